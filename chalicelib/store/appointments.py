"""Appointments and the worker agenda in DynamoDB, and the lock changes of a booking.

Item layout (the lock items are in ``calendar.py``):

* appointment ``pk=APPT#<id>`` ``sk=APPT``: case_id, workers, start, end (UTC ISO),
  location, place, kind, minutes, status (booked|cancelled), sequence, created_at,
  updated_at, booked_by, buckets (the lock buckets it holds), rooms (holds an office
  room), outcome (held|no-show|cancelled-late, once recorded), ``gsi1pk=CASE#<case>#APPTS``, ``gsi1sk=<start UTC ISO>`` (a case's list).
* agenda ``pk=AGENDA#<worker>`` ``sk=<start UTC ISO>#<appointment id>``: case_id, start,
  end, location, kind, status, sequence, updated_at, outcome: a worker's list and feed in
  one Query.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.booking_rules import (
    BookingRules,
    bucket_start,
    buffer_buckets,
    iso_week_key,
    off_hours_buckets,
)
from chalicelib.domain.busy_times import meeting_part
from chalicelib.domain.intervals import Interval
from chalicelib.store.reminders import TIMER_ATTRIBUTES, worker_timer_key
from chalicelib.store.calendar import Plan, cal_key, day_attr, load_key, rooms_key, week_of
from chalicelib.store.tx import Transaction, batch_get, query, to_dynamo, utc_iso


def appointment_key(appointment_id: str) -> tuple[str, str]:
    return f"APPT#{appointment_id}", "APPT"


def agenda_key(worker: str, appointment: Appointment) -> tuple[str, str]:
    return f"AGENDA#{worker}", f"{utc_iso(appointment.start)}#{appointment.id}"


def appointment_item(a: Appointment) -> dict:
    pk, sk = appointment_key(a.id)
    return {"pk": pk, "sk": sk, "case_id": a.case_id, "workers": list(a.workers),
            "start": utc_iso(a.start), "end": utc_iso(a.end), "location": a.location,
            "place": a.place, "kind": a.kind, "minutes": a.minutes, "status": a.status,
            "sequence": a.sequence, "created_at": utc_iso(a.created_at),
            "updated_at": utc_iso(a.updated_at), "booked_by": a.booked_by,
            "buckets": list(a.buckets), "rooms": a.rooms, "outcome": a.outcome,
            "gsi1pk": f"CASE#{a.case_id}#APPTS", "gsi1sk": utc_iso(a.start)}


def appointment_from_item(item: dict) -> Appointment:
    return Appointment(
        id=item["pk"].removeprefix("APPT#"), case_id=item["case_id"],
        workers=tuple(item["workers"]), start=datetime.fromisoformat(item["start"]),
        end=datetime.fromisoformat(item["end"]), location=item["location"],
        place=item["place"], kind=item["kind"], minutes=int(item["minutes"]),
        status=item["status"], sequence=int(item["sequence"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]), booked_by=item["booked_by"],
        buckets=tuple(int(b) for b in item.get("buckets", ())), rooms=bool(item.get("rooms")),
        outcome=item.get("outcome"))


def agenda_item(worker: str, a: Appointment) -> dict:
    pk, sk = agenda_key(worker, a)
    return {"pk": pk, "sk": sk, "case_id": a.case_id, "appointment_id": a.id,
            "start": utc_iso(a.start), "end": utc_iso(a.end), "location": a.location,
            "kind": a.kind, "status": a.status, "sequence": a.sequence,
            "created_at": utc_iso(a.created_at), "updated_at": utc_iso(a.updated_at),
            "outcome": a.outcome}


def set_outcome(tx: Transaction, a: Appointment, outcome: str, by: str, now: datetime) -> None:
    """Record ``outcome`` on a booked appointment and on its workers' agenda entries (the
    feeds show it). Fails (label ``appointment``) if it is no longer booked."""
    tx.update(*appointment_key(a.id), "SET outcome = :o, outcome_by = :by, updated_at = :now",
              "appointment", "#st = :booked", {"#st": "status"},
              {":o": outcome, ":by": by, ":now": utc_iso(now), ":booked": "booked"})
    for worker in a.workers:
        # An entry booking wrote: never create a partial one (label ``agenda``).
        tx.update(*agenda_key(worker, a), "SET outcome = :o, updated_at = :now",
                  f"agenda:{worker}", "attribute_exists(pk)", None,
                  {":o": outcome, ":now": utc_iso(now)})


def _load_entry(a: Appointment) -> str:
    return f"{utc_iso(a.start)}|{utc_iso(a.end)}|{a.id}"


def add_booking(plan: Plan, new: Appointment, rules: BookingRules, *, rooms: int | None,
                weekly_limit: int | None, releasing: Appointment | None = None,
                timer: dict | None = None, worker_timer: dict | None = None,
                any_hour: bool = False) -> None:
    """The changes and conditions that book ``new`` (and release ``releasing``, a move).

    Conditions: every lock bucket free and not absent for every worker (or held by the
    appointment being moved), buffer buckets free or at the same place, off-hours buckets
    opened (not for ``any_hour``: a crisis meeting), a room free, and for a family
    booking the weekly count and the day free.
    """
    hold_workers(plan, new, rules, releasing, any_hour=any_hour)
    take_rooms(plan, new, rules, rooms, releasing)
    _count_load(plan, new, weekly_limit, releasing)
    if releasing:
        _release(plan, releasing, rules, keep=new)
    # ``timer``: the reminder timer (store.reminders.reminder_timer_fields) set with it.
    put_appointment(plan.tx, new, timer)
    if worker_timer:  # store.reminders.worker_timer_item: the workers' reminders
        plan.tx.put(worker_timer, "worker-timer")


def put_appointment(tx: Transaction, new: Appointment, timer: dict | None = None) -> None:
    """Put ``new`` (it must not exist yet) and its workers' agenda entries (their feeds'
    versions follow, see ``tx.py``); the family's calendar version too."""
    tx.put({**appointment_item(new), **(timer or {})}, "appointment",
           "attribute_not_exists(pk)")
    tx.touch_family_feed(new.case_id)
    for worker in new.workers:
        tx.put(agenda_item(worker, new), f"agenda:{worker}")


def hold_workers(plan: Plan, new: Appointment, rules: BookingRules,
                 releasing: Appointment | None = None, *, any_hour: bool = False) -> None:
    """Lock ``new``'s buckets in every worker's calendar (labels ``cal:<worker>``).

    Conditions: each lock bucket free (or held by ``releasing``, a move) and not absent,
    buffer buckets free or at the same place, off-hours buckets opened.
    """
    meeting = Interval(new.start, new.end)
    old = set(releasing.buckets) if releasing else set()
    old_value = f"{releasing.place}|{releasing.id}" if releasing else None
    off_hours = set() if any_hour else set(off_hours_buckets(meeting, rules))
    for worker in new.workers:
        _require_calendar_free(plan, worker, meeting, new.buckets, rules)
        held = old if releasing and worker in releasing.workers else set()
        for bucket in new.buckets:
            cal = plan.item(cal_key(worker, week_of(bucket, rules)), f"cal:{worker}")
            lock = {"b": f"b{bucket}"}
            if bucket in held:
                cal.require("{b} = {old}", lock, {"old": old_value})
            else:
                cal.require("attribute_not_exists({b})", lock)
            cal.op(f"b{bucket}", "SET", f"{new.place}|{new.id}")
            cal.require("attribute_not_exists({a}) AND attribute_not_exists({day})",
                        {"a": f"a{bucket}", "day": day_attr("A", bucket_start(bucket, rules))})
            if bucket in off_hours:
                cal.require("attribute_exists({o})", {"o": f"o{bucket}"})
        for bucket in buffer_buckets(meeting, rules):
            if bucket not in held:
                cal = plan.item(cal_key(worker, week_of(bucket, rules)), f"cal:{worker}")
                cal.require("attribute_not_exists({b}) OR begins_with({b}, {place})",
                            {"b": f"b{bucket}"}, {"place": f"{new.place}|"})


def _require_calendar_free(plan: Plan, worker: str, meeting: Interval, buckets, rules) -> None:
    """No busy time synced from the worker's own calendar overlaps the meeting: whole
    buckets must hold none, a partly covered bucket none that overlaps the covered part."""
    size = int(rules.grid.total_seconds())
    for bucket in buckets:
        cal = plan.item(cal_key(worker, week_of(bucket, rules)), f"cal:{worker}")
        day = day_attr("X", bucket_start(bucket, rules))
        cal.require("attribute_not_exists({day})", {"day": day})
        first, last = meeting_part(bucket, meeting, rules)
        if (first, last) == (0, size):
            cal.require("attribute_not_exists({x})", {"x": f"x{bucket}"})
        else:
            cal.require("attribute_not_exists({x}) OR {x}[0] >= {last} OR {x}[1] <= {first}",
                        {"x": f"x{bucket}"}, {"first": first, "last": last})


def _shared_rooms(new: Appointment, old: Appointment | None) -> set[int]:
    """Room buckets a move keeps (same office, same bucket): neither taken nor released."""
    if not (old and old.rooms and new.rooms and old.location == new.location):
        return set()
    return set(old.buckets) & set(new.buckets)


def take_rooms(plan: Plan, new: Appointment, rules: BookingRules, rooms: int | None,
               releasing: Appointment | None = None) -> None:
    """Take one of the office's ``rooms`` for each lock bucket (label ``rooms``)."""
    if rooms is None:
        return
    kept = _shared_rooms(new, releasing)
    for bucket in new.buckets:
        if bucket in kept:
            continue
        item = plan.item(rooms_key(new.location, week_of(bucket, rules)), "rooms")
        item.require("attribute_not_exists({r}) OR {r} < {rooms}", {"r": f"r{bucket}"},
                     {"rooms": rooms})
        item.op(f"r{bucket}", "ADD", 1)


def _count_load(plan, new, weekly_limit, releasing) -> None:
    item = plan.item(load_key(new.case_id, iso_week_key(new.start)), "load")
    same_week = releasing and iso_week_key(releasing.start) == iso_week_key(new.start)
    if not same_week:
        if weekly_limit is not None:
            item.require("attribute_not_exists({n}) OR {n} < {max}", {"n": "n"},
                         {"max": weekly_limit})
        item.op("n", "ADD", 1)
    day = day_attr("d", new.start)
    if releasing and day_attr("d", releasing.start) == day:
        # A move within one day swaps the entry; only when it is the day's one meeting.
        item.require("size({d}) = {one} AND contains({d}, {old})", {"d": day},
                     {"one": 1, "old": _load_entry(releasing)})
        item.op(day, "SET", {_load_entry(new)})
        return
    if weekly_limit is not None:
        item.require("attribute_not_exists({d})", {"d": day})
    item.op(day, "ADD", {_load_entry(new)})


def _release(plan: Plan, old: Appointment, rules: BookingRules,
             keep: Appointment | None = None) -> None:
    """Free every lock, room and load entry ``old`` holds, except what ``keep`` retakes."""
    retaken = set(keep.buckets) if keep else set()
    for worker in old.workers:
        again = retaken if keep and worker in keep.workers else set()
        for bucket in old.buckets:
            if bucket not in again:
                plan.item(cal_key(worker, week_of(bucket, rules)), f"cal:{worker}").op(
                    f"b{bucket}", "REMOVE")
    if old.rooms:
        kept = _shared_rooms(keep, old) if keep else set()
        for bucket in old.buckets:
            if bucket not in kept:
                plan.item(rooms_key(old.location, week_of(bucket, rules)), "rooms").op(
                    f"r{bucket}", "ADD", -1)
    if old.kind != "group":  # a group session counts in no family's load
        _uncount_load(plan, old, keep)
    cancelled = old.sequence + 1
    apt = plan.item(appointment_key(old.id), "old-appointment")
    apt.require("{status} = {booked}", {"status": "status"}, {"booked": "booked"})
    apt.op("status", "SET", "cancelled")
    apt.op("sequence", "SET", cancelled)
    changed_at = utc_iso(keep.updated_at if keep else old.updated_at)
    apt.op("updated_at", "SET", changed_at)
    for attr in TIMER_ATTRIBUTES:  # a cancelled appointment sends no reminder
        apt.op(attr, "REMOVE")
    plan.tx.delete(*worker_timer_key(old.id), label="old-worker-timer")  # nor to workers
    plan.tx.touch_family_feed(old.case_id)
    for worker in old.workers:
        agenda = plan.item(agenda_key(worker, old), f"agenda-old:{worker}")
        agenda.op("status", "SET", "cancelled")
        agenda.op("sequence", "SET", cancelled)
        agenda.op("updated_at", "SET", changed_at)  # feeds: LAST-MODIFIED, 30 days kept


def _uncount_load(plan: Plan, old: Appointment, keep: Appointment | None) -> None:
    load = plan.item(load_key(old.case_id, iso_week_key(old.start)), "load:old")
    if not (keep and iso_week_key(keep.start) == iso_week_key(old.start)):
        load.op("n", "ADD", -1)
    if not (keep and day_attr("d", keep.start) == day_attr("d", old.start)):
        load.op(day_attr("d", old.start), "DELETE", {_load_entry(old)})


def release(plan: Plan, old: Appointment, rules: BookingRules, now: datetime) -> None:
    """Cancel ``old``: every lock, room and load entry freed, status cancelled."""
    _release(plan, replace(old, updated_at=now), rules)


def move_held(plan: Plan, new: Appointment, old: Appointment, rules: BookingRules,
              rooms: int, timer: dict, worker_timer: dict | None) -> None:
    """Move ``old`` (holding a room, counting in no family's load: a group session) to
    ``new``: the locks and room it keeps are kept, the rest released or taken."""
    hold_workers(plan, new, rules, old)
    take_rooms(plan, new, rules, rooms, old)
    _release(plan, old, rules, keep=new)
    put_appointment(plan.tx, new, timer)
    if worker_timer:
        plan.tx.put(worker_timer, "worker-timer")


def get_appointment(appointment_id: str) -> Appointment | None:
    item = batch_get([appointment_key(appointment_id)]).get(appointment_key(appointment_id))
    return appointment_from_item(item) if item else None


def case_appointments(case_id: str, since: datetime) -> list[Appointment]:
    """The case's appointments starting at or after ``since``, by start (by_parent GSI)."""
    items = query(IndexName="by_parent",
                   KeyConditionExpression="gsi1pk = :p AND gsi1sk >= :s",
                   ExpressionAttributeValues={":p": to_dynamo(f"CASE#{case_id}#APPTS"),
                                              ":s": to_dynamo(utc_iso(since))})
    return [appointment_from_item(i) for i in items]


def worker_agenda(worker: str, start: datetime, end: datetime) -> list[dict]:
    """Agenda entries of ``worker`` starting in [start, end), as plain values."""
    items = query(KeyConditionExpression="pk = :p AND sk BETWEEN :s AND :e",
                   ExpressionAttributeValues={":p": to_dynamo(f"AGENDA#{worker}"),
                                              ":s": to_dynamo(utc_iso(start)),
                                              ":e": to_dynamo(utc_iso(end))})
    return [{"id": i["appointment_id"], "case": i["case_id"],
             "start": datetime.fromisoformat(i["start"]),
             "end": datetime.fromisoformat(i["end"]), "location": i["location"],
             "kind": i["kind"], "status": i["status"], "sequence": int(i["sequence"]),
             "updated_at": datetime.fromisoformat(i["updated_at"]),
             "outcome": i.get("outcome")} for i in items]
