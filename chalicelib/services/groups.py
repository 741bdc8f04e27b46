"""Peer-support groups for coordinators: create a series, read it, change its seats or
invitations. Family seats are in ``services.seats``.

Creating a group books every session in one transaction with the same locks as any
booking (both leaders' calendars and an office room), so no family meeting can take a
leader or the room at a session's time, and a group cannot take a time already booked.
Each session carries a reminder timer: the seated families are reminded 24 hours before.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.availability import check_booking
from chalicelib.domain.booking_rules import BookingRules, buffer_buckets, lock_buckets
from chalicelib.domain.diary import PlaceOption, WorkerDiary
from chalicelib.domain.directory import Office, place_identity
from chalicelib.domain.errors import Conflict, DomainError, NotFound, Rejected
from chalicelib.domain.groups import Group, Session, session_starts
from chalicelib.domain.intervals import Interval
from chalicelib.services.booking import NO_LIMITS, RULES
from chalicelib.store import calendar
from chalicelib.store import groups as store
from chalicelib.store.directory_items import office_key, worker_key
from chalicelib.store.reminders import reminder_timer_fields
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get

MAX_OPERATIONS = 100  # DynamoDB's limit for one transaction
FAMILY_REMINDERS = (24.0,)  # hours before each session the seated families are reminded


@dataclass(frozen=True)
class GroupSpec:
    """What a coordinator asks for (validated by ``api.group_schemas.GroupIn``)."""

    service: str
    office: str
    workers: tuple[str, ...]
    start: datetime
    minutes: int
    sessions: int
    every_days: int
    seats: int
    cases: tuple[str, ...] | None


def create_group(actor: Actor, spec: GroupSpec, now: datetime,
                 rules: BookingRules = RULES) -> Group:
    """Book every session of a new group and save it.

    Raises:
        Rejected: 422: an unknown office or worker, a session off the grid, in the past,
            outside working hours, on a holiday or while a leader is away; too many
            sessions and invitations for one transaction.
        Conflict: 409 ``slot_taken``: a leader is busy or no room is free at a session.
    """
    require_coordinator(actor)
    office = _office(spec)
    group_id = "g" + secrets.token_hex(6)
    starts = session_starts(spec.start, spec.every_days, spec.sessions)
    sessions = [_session(group_id, spec, office, start, actor, now, rules) for start in starts]
    group = Group(id=group_id, service=spec.service, office=office.id, workers=spec.workers,
                  minutes=spec.minutes, every_days=spec.every_days, seats=spec.seats,
                  sessions=tuple(Session(s.id, s.start, s.end) for s in sessions),
                  cases=spec.cases, created_at=now, updated_at=now)
    plan = calendar.Plan()
    timers = [reminder_timer_fields(s.start, FAMILY_REMINDERS, now) for s in sessions]
    store.add_group(plan, group, list(zip(sessions, timers)), rules, office.rooms)
    if len(plan.tx.ops) + len(plan.changes) > MAX_OPERATIONS:  # one op per changed item
        raise Rejected("too many sessions and invited cases for one group; make two",
                       code="group_too_large", field="sessions")
    try:
        plan.commit(token=group_id)
    except TransactionCancelled:
        _explain(sessions, office, now, rules)
    return group


def read_group(actor: Actor, group_id: str) -> Group:
    """A group, for coordinators and its leaders (404 for anyone else)."""
    found = store.read_group(group_id)
    if found is None or not (actor.is_coordinator or actor.worker_id in found[0].workers):
        raise NotFound("no such group")
    return found[0]


def change_group(actor: Actor, group_id: str, changes: dict, now: datetime) -> Group:
    """Change ``seats`` and/or ``cases`` (a list: by invitation; None: open to the service).

    More seats go at once to the families in line (``services.seats.fill_from_line``).

    Raises:
        Rejected: 422 ``seats_below_taken``: fewer seats than families seated.
        Conflict: 409 ``changed_meanwhile`` when the group changed under this request.
    """
    require_coordinator(actor)
    found = store.read_group(group_id)
    if found is None:
        raise NotFound("no such group")
    before, version, _ = found
    after = replace(before, seats=changes.get("seats", before.seats),
                    cases=_cases(changes.get("cases", before.cases)), updated_at=now)
    if after.seats < before.taken:
        raise Rejected(f"seats: {before.taken} families hold a seat", code="seats_below_taken",
                       field="seats")
    tx = Transaction()
    store.change_group(tx, after, version, before)
    try:
        tx.commit()
    except TransactionCancelled as cancelled:
        raise Conflict("the group changed meanwhile; read it and try again",
                       code="changed_meanwhile") from cancelled
    return after


def group_view(group: Group) -> dict:
    """What staff see: the series, its sessions and seats; never who holds them."""
    view = {"id": group.id, "service": group.service, "office": group.office,
            "workers": list(group.workers), "start": group.start, "minutes": group.minutes,
            "every_days": group.every_days, "seats": group.seats,
            "seats_left": group.seats_left, "waiting": group.waiting,
            "sessions": [{"id": s.id, "start": s.start, "end": s.end,
                          "seats_left": group.seats_left} for s in group.sessions]}
    if group.cases is not None:
        view["cases"] = list(group.cases)
    return view


def _cases(value) -> tuple[str, ...] | None:
    return None if value is None else tuple(dict.fromkeys(value))


def _office(spec: GroupSpec) -> Office:
    keys = [office_key(spec.office), *(worker_key(w) for w in spec.workers)]
    items = batch_get(keys)
    office = items.get(office_key(spec.office))
    if office is None:
        raise Rejected("office: no such office", code="invalid_value", field="office")
    for worker in spec.workers:
        if worker_key(worker) not in items:
            raise Rejected(f"workers: no such worker {worker}", code="invalid_value",
                           field="workers")
    return Office(spec.office, office["name"], office["address"], int(office["rooms"]))


def _session(group_id: str, spec: GroupSpec, office: Office, start: datetime, actor: Actor,
             now: datetime, rules: BookingRules) -> Appointment:
    """One session as an appointment of kind ``group``; checks what needs no calendar."""
    place = PlaceOption(office.id, place_identity(group_id, office.id), office.rooms)
    # Working time is left to the transaction: extra hours may open an evening.
    span = Interval(start - timedelta(days=1), start + timedelta(days=2))
    open_diaries = [WorkerDiary(w, extra_hours=(span,)) for w in spec.workers]
    meeting = _checked(lambda: check_booking(open_diaries, place, NO_LIMITS, start,
                                             spec.minutes, rules, now, staff=True), start)
    return Appointment(
        id="s" + secrets.token_hex(8), case_id=group_id, workers=spec.workers,
        start=meeting.start, end=meeting.end, location=office.id, place=place.place,
        kind="group", minutes=spec.minutes, status="booked", sequence=0, created_at=now,
        updated_at=now, booked_by=actor.label(), buckets=tuple(lock_buckets(meeting, rules)),
        rooms=True)


def _explain(sessions: list[Appointment], office: Office, now: datetime,
             rules: BookingRules) -> None:
    """Raise the precise reason the group's transaction was refused, naming the session."""
    weeks = sorted({calendar.week_of(b, rules) for s in sessions for b in
                    [*s.buckets, *buffer_buckets(Interval(s.start, s.end), rules)]})
    workers = sessions[0].workers
    keys = [calendar.cal_key(w, wk) for w in workers for wk in weeks]
    keys += [calendar.rooms_key(office.id, wk) for wk in weeks]
    items = batch_get(keys[:100], consistent=True)
    diaries = [calendar.diary_from_items(w, [items.get(calendar.cal_key(w, wk), {})
                                             for wk in weeks], rules) for w in workers]
    rooms = [items.get(calendar.rooms_key(office.id, wk), {}) for wk in weeks]
    place = calendar.place_option(office.id, sessions[0].place, office.rooms, rooms, rules)
    for s in sessions:
        _checked(lambda s=s: check_booking(diaries, place, NO_LIMITS, s.start, s.minutes,
                                           rules, now, staff=True), s.start)
    raise Conflict("a session's time was just taken", code="slot_taken")


def _checked(check, start: datetime):
    """Run ``check``; a refusal names the session it is about."""
    try:
        return check()
    except DomainError as refused:
        refused.message = f"session {start.isoformat()}: {refused.message}"
        raise
