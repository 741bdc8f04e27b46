"""Staff changes to a peer-support group: ``PATCH`` (seats, invitations, the time of
sessions ahead, leaders, office) and cancelling one session.

A moved session is moved like any booking: a new appointment holding its leaders'
calendars and a room, the old one released, in one transaction with the group item
(fenced by its version) and the messages to the families seated in it. A time a leader
or the room has answers 409 ``slot_taken``. New leaders or a new office move every
session ahead. A drop-in session that holds seats is not moved (its seats name it):
cancel it instead, which tells its families.

Cancelling releases the session like any cancelled appointment (the leaders' calendars,
the room, its reminders; the leaders' feeds show it cancelled), takes it off the group and
tells each family seated in it, in one transaction. A group keeps at least one session:
its sessions are what it is.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Conflict, NotFound, Rejected
from chalicelib.domain.groups import Group, Roster, Session
from chalicelib.domain.notification import Notification
from chalicelib.services.booking import RULES
from chalicelib.services.groups import (
    FAMILY_REMINDERS,
    GroupSpec,
    group_office,
    session_appointment,
)
from chalicelib.services.links import family_link
from chalicelib.store import appointments, calendar
from chalicelib.store import groups as store
from chalicelib.store.directory_items import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.outbox import enqueue
from chalicelib.store.reminders import reminder_timer_fields, worker_timer_item
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get, utc_iso

MAX_OPERATIONS = 100  # one DynamoDB transaction
FAMILIES_PER_TRANSACTION = 30  # a link and up to two messages each


def change_group(actor: Actor, group_id: str, changes: dict, now: datetime,
                 rules: BookingRules = RULES) -> Group:
    """Change ``seats``, ``cases`` (a list: by invitation; None: open to the service),
    ``sessions`` (session id -> new start, sessions ahead only), ``workers`` and
    ``office`` (both for every session ahead). More seats go to the families in line
    (``services.seats.fill_from_line``, after this).

    Raises:
        NotFound: no such group.
        Rejected: 422 ``seats_below_taken``: fewer seats than families seated; a moved
            session off the grid, in the past, outside working hours or on a holiday
            (naming it); ``session_begun``; ``session_has_seats`` (a drop-in session);
            ``group_too_large`` when the change is too much for one transaction.
        Conflict: 409 ``slot_taken`` (a leader or the room is taken at a new time),
            ``changed_meanwhile`` when the group changed under this request.
    """
    require_coordinator(actor)
    found = store.read_group(group_id)
    if found is None:
        raise NotFound("no such group")
    before, version, roster = found
    after = replace(before, seats=changes.get("seats", before.seats),
                    cases=_cases(changes.get("cases", before.cases)), updated_at=now)
    if after.seats < before.most_taken:
        raise Rejected(f"seats: {before.most_taken} families hold a seat",
                       code="seats_below_taken", field="seats")
    plan = calendar.Plan()
    moved: list[tuple[Session, Appointment]] = []
    if changes.keys() & {"sessions", "workers", "office"}:
        after, moved = _move(plan, after, changes, actor, now, rules)
    store.change_group(plan.tx, after, version, before, frozenset(s.id for s, _ in moved))
    notes = _moved_notes(before, after, roster, moved)
    _commit(plan, notes, now, slot_taken=bool(moved))
    return after


def cancel_session(actor: Actor, group_id: str, session_id: str, now: datetime) -> Group:
    """Cancel one session ahead (coordinators and the group's leaders; 404 for others).

    Raises:
        NotFound: no such group or session, or not the actor's group.
        Rejected: 422 ``session_begun`` for a session that has begun; ``last_session``
            for the group's only session.
        Conflict: 409 ``changed_meanwhile`` when the group changed under this request.
    """
    group, version, roster = _led_group(actor, group_id)
    session = group.session(session_id)
    if session is None:
        raise NotFound("no such session")
    if session.start <= now:
        raise Rejected("the session has begun", code="session_begun")
    if len(group.sessions) == 1:
        raise Rejected("the group's only session: a group keeps one", code="last_session")
    after = replace(group, sessions=tuple(s for s in group.sessions if s.id != session_id),
                    updated_at=now)
    plan = calendar.Plan()
    appointments.release(plan, appointments.get_appointment(session_id), RULES, now)
    store.change_group(plan.tx, after, version, group)
    notes = [("cancellation", group, session, None, case)
             for case in _families(roster.seated_in(session_id))]
    _commit(plan, notes, now)
    return after


def _move(plan: calendar.Plan, group: Group, changes: dict, actor: Actor, now: datetime,
          rules: BookingRules) -> tuple[Group, list[tuple[Session, Appointment]]]:
    """Plan the moves of the sessions ahead that change; the group as it will be."""
    starts = changes.get("sessions") or {}
    for session_id in starts:
        session = group.session(session_id)
        if session is None:
            raise Rejected(f"sessions: no such session {session_id}", code="invalid_value",
                           field="sessions")
        if session.start <= now:
            raise Rejected(f"sessions: session {session_id} has begun", code="session_begun",
                           field="sessions")
    spec = GroupSpec(service=group.service, office=changes.get("office") or group.office,
                     workers=tuple(changes.get("workers") or group.workers),
                     start=group.start, minutes=group.minutes, sessions=len(group.sessions),
                     every_days=group.every_days, seats=group.seats, cases=group.cases)
    office = group_office(spec)
    everything = (spec.workers, spec.office) != (group.workers, group.office)
    changing = [s for s in group.sessions if s.start > now and (
        everything or (s.id in starts and starts[s.id] != s.start))]
    held = batch_get([appointments.appointment_key(s.id) for s in changing])
    moved = []
    for session in changing:
        if group.per_session and session.taken:
            raise Rejected(f"sessions: families hold seats in session {session.id}; cancel "
                           "it instead", code="session_has_seats", field="sessions")
        new = session_appointment(group.id, spec, office, starts.get(session.id, session.start),
                                  actor, now, rules)
        old = appointments.appointment_from_item(held[appointments.appointment_key(session.id)])
        appointments.move_held(plan, new, old, rules, office.rooms,
                               reminder_timer_fields(new.start, FAMILY_REMINDERS, now),
                               worker_timer_item(new, group.worker_reminders, now))
        moved.append((session, new))
    new_ids = {old.id: Session(new.id, new.start, new.end) for old, new in moved}
    sessions = sorted((new_ids.get(s.id, s) for s in group.sessions), key=lambda s: s.start)
    if len({s.start for s in sessions}) != len(sessions):
        raise Rejected("sessions: two sessions at one time", code="invalid_value",
                       field="sessions")
    return replace(group, workers=spec.workers, office=office.id,
                   sessions=tuple(sessions)), moved


def _moved_notes(before: Group, after: Group, roster: Roster,
                 moved: list[tuple[Session, Appointment]]) -> list[tuple]:
    """One ``rescheduled`` per family seated in a session whose time or place changed,
    about the first of them (the family page shows them all); new leaders alone tell
    nobody."""
    notes, told = [], set()
    for old, new in moved:
        if old.start == new.start and before.office == after.office:
            continue
        seated = tuple(c for c in roster.seated_in(old.id) if c not in told)
        for case in _families(seated):
            told.add(case.id)
            notes.append(("rescheduled", after, Session(new.id, new.start, new.end), old, case))
    return notes


def _commit(plan: calendar.Plan, notes: list, now: datetime, slot_taken: bool = False) -> None:
    """Commit ``plan`` with the family messages that fit in it; the rest follow in
    transactions of their own (each message's key lets it out once)."""
    room = max(0, (MAX_OPERATIONS - len(plan.tx.ops) - len(plan.changes)) // 3)
    if len(plan.tx.ops) + len(plan.changes) > MAX_OPERATIONS:
        raise Rejected("too much to change at once; change fewer sessions",
                       code="group_too_large", field="sessions")
    for note in notes[:room]:
        _tell(plan.tx, *note, now)
    try:
        plan.commit(token="p" + secrets.token_hex(12))
    except TransactionCancelled as cancelled:
        if slot_taken and "group" not in cancelled.failed:
            raise Conflict("a leader or the room is taken at a session's new time",
                           code="slot_taken") from cancelled
        raise Conflict("the group changed meanwhile; read it and try again",
                       code="changed_meanwhile") from cancelled
    rest = notes[room:]
    for start in range(0, len(rest), FAMILIES_PER_TRANSACTION):
        tx = Transaction()
        for note in rest[start:start + FAMILIES_PER_TRANSACTION]:
            _tell(tx, *note, now)
        tx.commit()


def _cases(value) -> tuple[str, ...] | None:
    return None if value is None else tuple(dict.fromkeys(value))


def _led_group(actor: Actor, group_id: str):
    found = store.read_group(group_id)
    if found is None or not (actor.is_coordinator or actor.worker_id in found[0].workers):
        raise NotFound("no such group")
    return found


def _families(case_ids: tuple[str, ...]) -> list[Case]:
    items = batch_get([case_key(c) for c in case_ids])
    return [case_from_plain(items[case_key(c)]) for c in case_ids if case_key(c) in items]


def _tell(tx: Transaction, kind: str, group: Group, session: Session, old: Session | None,
          case: Case, now: datetime) -> None:
    """Queue a group message of ``kind`` about ``session`` on each of the family's
    channels, with a fresh link to its page (``old``: the time a moved session had)."""
    destinations = case.contact.destinations()
    if not destinations:
        return
    ref = family_link(tx, case, now, until=group.end)
    params = {"audience": "group", "start": utc_iso(session.start),
              "location": group.office, "link_ref": ref}
    if old is not None:
        params["old_start"] = utc_iso(old.start)
    for channel, recipient in destinations:
        enqueue(tx, Notification(
            kind, channel, recipient, dedupe_key=f"{kind}:{session.id}:{case.id}:"
                                                 f"{utc_iso(session.start)}",
            language=case.contact.language, case_id=case.id, params=params), now)
