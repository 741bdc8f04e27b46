"""A family's seats in peer-support groups: see the groups it may join, take a seat or a
place in line, give it up. A freed seat goes to the first in line, who is told by a
``group-seat`` message with a fresh link to the family's page.

Every change is one transaction on the group's counters (``store.groups``); the group item's
``taken < seats`` condition is what lets exactly one of many parallel families have the
last seat.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Conflict, NotFound, Rejected, Unavailable
from chalicelib.domain.groups import Group, Roster, is_open, may_join
from chalicelib.domain.notification import Notification
from chalicelib.services.links import family_link
from chalicelib.store import groups as store
from chalicelib.store.appointments import appointment_from_item, appointment_key
from chalicelib.store.directory_items import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.outbox import enqueue
from chalicelib.store.retry import AGAIN, back_off, retrying
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get, utc_iso

ATTEMPTS = 8  # parallel families conflict on one group item: more tries than a booking
MAX_LISTED = 30


def family_groups(case: Case, now: datetime) -> list[tuple[Group, str | None]]:
    """The groups the family may join whose last session is ahead, each with the family's
    own place (``seated``, ``waiting`` or None): three round trips, never other families."""
    groups = [g for g in store.groups_for(case.id, case.service, now) if may_join(g, case)]
    groups = groups[:MAX_LISTED]
    keys = [k for g in groups for k in (store.seat_key(g.id, case.id),
                                         store.wait_key(g.id, case.id))]
    mine = batch_get(keys)
    return [(g, "seated" if store.seat_key(g.id, case.id) in mine else
             "waiting" if store.wait_key(g.id, case.id) in mine else None) for g in groups]


def seated_sessions(case: Case, now: datetime) -> list[Appointment]:
    """The sessions of the groups the family holds a seat in, for its own calendar."""
    ids = [s.id for g, place in family_groups(case, now) if place == "seated"
           for s in g.sessions]
    items = batch_get([appointment_key(i) for i in ids[:100]])
    return sorted((appointment_from_item(i) for i in items.values()), key=lambda a: a.start)


def family_view(group: Group, place: str | None) -> dict:
    """A group as its family sees it: when, where, seats left, and the family's own place."""
    return {"id": group.id, "service": group.service, "office": group.office,
            "minutes": group.minutes, "seats_left": group.seats_left, "status": place,
            "sessions": [{"id": s.id, "start": s.start, "end": s.end} for s in group.sessions]}


def take_seat(case: Case, group_id: str, now: datetime, wait: bool = True) -> str:
    """A seat for the family (``seated``), or when every seat is taken a place in line
    (``waiting``; with ``wait`` False: 409 ``group_full`` instead). Asking again answers
    the place the family already has.

    Raises:
        NotFound: no such group, or one the family may not join (404).
        Rejected: 422 ``group_closed`` once the last session has begun.
        Conflict: 409 ``group_full`` (only with ``wait`` False).
    """
    _joinable(case, group_id, now)

    def attempt(_):
        place = _commit(lambda tx: store.take_seat(tx, group_id, case.id, now), "seated")
        if place:
            return place
        if not wait:
            raise Conflict("every seat is taken", code="group_full")
        ticket = store.next_ticket(group_id)
        # None: a seat came free between the two tries; try for it again.
        return _commit(lambda tx: store.join_line(tx, group_id, case.id, ticket, now),
                       "waiting") or AGAIN

    return retrying(attempt, ATTEMPTS, Unavailable("the group is busy, try again"))


def _commit(build, done: str) -> str | None:
    """Commit the transaction ``build(tx)`` fills: ``done`` when it commits, the family's
    place when it has one already, None when the group's own condition failed (full, or
    no longer full)."""
    tx = Transaction()
    build(tx)
    try:
        tx.commit()
        return done
    except TransactionCancelled as cancelled:
        if "seat" in cancelled.failed:
            return "seated"
        return "waiting" if "in-line" in cancelled.failed else None


def give_up_seat(case: Case, group_id: str, now: datetime) -> None:
    """Leave the group (seat or line); a freed seat goes to the first in line. Leaving
    twice is a no-op."""
    def attempt(_):
        group, roster = _roster(case, group_id)
        place = roster.place_of(case.id)
        if place is None:
            return None
        if not is_open(group, now):
            raise Rejected("the group's last session has begun", code="group_closed")
        tx = Transaction()
        if place == "waiting":
            store.leave_line(tx, group_id, case.id)
        else:
            first = roster.waiting[0] if roster.waiting else None
            store.leave_seat(tx, group_id, case.id, first, now)
            if first:
                _tell_seated(tx, group, first, now)
        try:
            tx.commit()
            return None
        except TransactionCancelled:
            return AGAIN  # the roster changed under us: read it again

    retrying(attempt, ATTEMPTS, Unavailable("the group is busy, try again"))


def fill_from_line(group_id: str, now: datetime) -> int:
    """Give free seats to the families in line, first come first served; how many moved."""
    moved = 0
    for attempt in range(ATTEMPTS * 4):
        found = store.read_group(group_id)
        if found is None:
            return moved
        group, _, roster = found
        if not (group.seats_left and roster.waiting and is_open(group, now)):
            return moved
        tx = Transaction()
        store.seat_from_line(tx, group_id, roster.waiting[0], now)
        _tell_seated(tx, group, roster.waiting[0], now)
        try:
            tx.commit()
            moved += 1
        except Unavailable:
            back_off(attempt % ATTEMPTS, ATTEMPTS)
        except TransactionCancelled:
            pass
    return moved


def seated_families(group_id: str) -> list[Case]:
    """The cases seated in ``group_id`` (none when it is no group), for its reminders."""
    found = store.read_group(group_id) if group_id.startswith("g") else None
    if found is None:
        return []
    items = batch_get([case_key(c) for c in found[2].seated])
    return [case_from_plain(items[case_key(c)]) for c in found[2].seated
            if case_key(c) in items]


def _joinable(case: Case, group_id: str, now: datetime) -> Group:
    item = batch_get([store.group_key(group_id)]).get(store.group_key(group_id))
    group = store.group_from_item(item) if item else None
    if group is None or not may_join(group, case):
        raise NotFound("no such group")
    if not is_open(group, now):
        raise Rejected("the group's last session has begun", code="group_closed")
    return group


def _roster(case: Case, group_id: str) -> tuple[Group, Roster]:
    found = store.read_group(group_id)
    if found is None:
        raise NotFound("no such group")
    group, _, roster = found
    if not may_join(group, case) and roster.place_of(case.id) is None:
        raise NotFound("no such group")
    return group, roster


def _tell_seated(tx: Transaction, group: Group, case_id: str, now: datetime) -> None:
    """Queue the ``group-seat`` message, with a fresh link to the family's page (the one it
    joined the line with is known only as a hash)."""
    item = batch_get([case_key(case_id)]).get(case_key(case_id))
    case = case_from_plain(item) if item else None
    destinations = case.contact.destinations() if case else []
    if not destinations:
        return
    ref = family_link(tx, case, now, until=group.end)
    upcoming = next((s for s in group.sessions if s.start > now), group.sessions[-1])
    for channel, recipient in destinations:
        enqueue(tx, Notification(
            "group-seat", channel, recipient,
            dedupe_key=f"group-seat:{group.id}:{case.id}:{utc_iso(now)}",
            language=case.contact.language, case_id=case.id,
            params={"start": utc_iso(upcoming.start), "location": group.office, "link_ref": ref}),
            now)
