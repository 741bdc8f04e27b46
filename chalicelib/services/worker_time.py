"""Workers' own time: absences (poissaolot), extra hours, and their appointment list."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from chalicelib.domain.booking_rules import BookingRules, bucket_start, iso_week_key, lock_buckets
from chalicelib.domain.errors import NotFound, Rejected
from chalicelib.domain.intervals import Interval
from chalicelib.domain.week import ABSENCE_REASONS
from chalicelib.domain.workdays import at_local, local
from chalicelib.services.booking import RULES
from chalicelib.store import appointments
from chalicelib.store.calendar import Plan, cal_key, day_attr, week_of
from chalicelib.store.tx import batch_get

MAX_ABSENCE = timedelta(days=90)
MAX_EXTRA_HOURS = timedelta(hours=16)


def _span(start: datetime, end: datetime, longest: timedelta) -> Interval:
    if end <= start:
        raise Rejected("end must be after start", code="invalid_value", field="end")
    if end - start > longest:
        raise Rejected(f"at most {longest} at a time", code="too_long", field="end")
    return Interval(start, end)


def _require_worker(repo, worker_id: str) -> None:
    if not repo.get_workers([worker_id]):
        raise NotFound("no such worker")


def _absence_attrs(span: Interval, rules: BookingRules) -> dict[str, list[str]]:
    """Per calendar week, the attributes an absence sets: whole days and partial buckets."""
    attrs: dict[str, list[str]] = defaultdict(list)
    day = local(span.start).date()
    while at_local(day, 0) < span.end:
        whole = Interval(at_local(day, 0), at_local(day + timedelta(days=1), 0))
        if span.contains(whole):
            attrs[iso_week_key(whole.start)].append(day_attr("A", day))
        elif span.overlaps(whole):
            part = Interval(max(span.start, whole.start), min(span.end, whole.end))
            for bucket in lock_buckets(part, rules):
                attrs[week_of(bucket, rules)].append(f"a{bucket}")
        day += timedelta(days=1)
    return attrs


def _appointments_in(items: list[dict], span: Interval, rules: BookingRules) -> list[str]:
    found = set()
    for item in items:
        for attr, value in item.items():
            if attr[:1] == "b" and attr[1:].isdigit():
                bucket = int(attr[1:])
                cell = Interval(bucket_start(bucket, rules), bucket_start(bucket + 1, rules))
                if cell.overlaps(span):
                    found.add(str(value).rpartition("|")[2])
    return sorted(found)


def add_absence(repo, worker_id: str, start: datetime, end: datetime,
                rules: BookingRules = RULES, reason: str | None = None) -> dict:
    """Record an absence; returns ``{id, conflicts}`` (appointments it overlaps).

    ``reason`` is a code of ``ABSENCE_REASONS`` (kept with the absence: the week view
    shows it), never free text.
    """
    if reason is not None and reason not in ABSENCE_REASONS:
        raise Rejected(f"reason: one of {', '.join(ABSENCE_REASONS)}", code="invalid_value",
                       field="reason")
    span = _span(start, end, MAX_ABSENCE)
    _require_worker(repo, worker_id)
    absence_id = "abs-" + secrets.token_hex(6)
    attrs = _absence_attrs(span, rules)
    existing = batch_get([cal_key(worker_id, week) for week in attrs])
    plan = Plan()
    for week, names in attrs.items():
        change = plan.item(cal_key(worker_id, week), f"cal:{week}")
        for name in names:
            change.op(name, "SET", f"{reason or ''}|{absence_id}")
    plan.transaction().commit()
    return {"id": absence_id, "conflicts": _appointments_in(list(existing.values()), span, rules)}


def add_extra_hours(repo, worker_id: str, start: datetime, end: datetime,
                    rules: BookingRules = RULES) -> dict:
    """Open time outside office hours (evening, weekend) for bookings."""
    span = _span(start, end, MAX_EXTRA_HOURS)
    _require_worker(repo, worker_id)
    opened_id = "ext-" + secrets.token_hex(6)
    plan = Plan()
    for bucket in lock_buckets(span, rules):
        plan.item(cal_key(worker_id, week_of(bucket, rules)), "cal").op(
            f"o{bucket}", "SET", opened_id)
    plan.transaction().commit()
    return {"id": opened_id}


def worker_appointments(worker_id: str, start: datetime, end: datetime) -> list[dict]:
    """The worker's appointments (cancelled ones too, with their status) in [start, end)."""
    if end <= start or end - start > timedelta(days=366):
        raise Rejected("'to' must be after 'from', at most a year later", code="invalid_value")
    return appointments.worker_agenda(worker_id, start, end)
