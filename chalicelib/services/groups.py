"""Peer-support groups for coordinators: create a series and read it. Changes to it are in
``services.group_changes``, family seats in ``services.seats``.

Creating a group books every session in one transaction with the same locks as any
booking (both leaders' calendars and an office room), so no family meeting can take a
leader or the room at a session's time, and a group cannot take a time already booked.
Each session carries a reminder timer: the seated families are reminded 24 hours before;
with ``worker_reminders`` a second timer reminds its leaders (as a case's do for meetings).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
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
from chalicelib.store.reminders import reminder_timer_fields, worker_timer_item
from chalicelib.store.tx import TransactionCancelled, batch_get

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
    per_session: bool = False
    worker_reminders: tuple[float, ...] = ()


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
    office = group_office(spec)
    group_id = "g" + secrets.token_hex(6)
    starts = session_starts(spec.start, spec.every_days, spec.sessions)
    sessions = [session_appointment(group_id, spec, office, start, actor, now, rules)
                for start in starts]
    group = Group(id=group_id, service=spec.service, office=office.id, workers=spec.workers,
                  minutes=spec.minutes, every_days=spec.every_days, seats=spec.seats,
                  sessions=tuple(Session(s.id, s.start, s.end) for s in sessions),
                  cases=spec.cases, created_at=now, updated_at=now,
                  per_session=spec.per_session, worker_reminders=spec.worker_reminders)
    plan = calendar.Plan()
    store.add_group(plan, group, [
        (s, reminder_timer_fields(s.start, FAMILY_REMINDERS, now),
         worker_timer_item(s, spec.worker_reminders, now)) for s in sessions],
        rules, office.rooms)
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


def group_view(group: Group) -> dict:
    """What staff see: the series, its sessions and seats; never who holds them."""
    view = {"id": group.id, "service": group.service, "office": group.office,
            "workers": list(group.workers), "start": group.start, "minutes": group.minutes,
            "every_days": group.every_days, "seats": group.seats,
            "seats_left": group.seats_left, "waiting": group.waiting,
            "per_session": group.per_session, "worker_reminders": list(group.worker_reminders),
            "sessions": [{"id": s.id, "start": s.start, "end": s.end,
                          "seats_left": group.seats_left_in(s)} for s in group.sessions]}
    if group.cases is not None:
        view["cases"] = list(group.cases)
    return view


def group_office(spec: GroupSpec) -> Office:
    """The group's office (422 for an unknown office or leader)."""
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


def session_appointment(group_id: str, spec: GroupSpec, office: Office, start: datetime,
                        actor: Actor,
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
