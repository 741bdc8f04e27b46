"""A family's seats in peer-support groups: see the groups it may join, take a seat or a
place in line, give it up. A freed seat goes to the first in line, who is told by a
``group-seat`` message with a fresh link to the family's page.

Every change is one transaction on the group's counters (``store.groups``); the group item's
``taken < seats`` condition (in a drop-in group, ``session_taken.<session> < seats``) is
what lets exactly one of many parallel families have the last seat.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Conflict, NotFound, Rejected, Unavailable
from chalicelib.domain.groups import Group, Roster, Session, is_group_id, is_open, may_join
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
MAX_KEYS = 100  # one batch read for the family's own places in every listed group

Listed = tuple[Group, str | None, frozenset[str]]


def family_groups(case: Case, now: datetime) -> list[Listed]:
    """The groups the family may join whose last session is ahead, each with the family's
    own place (``seated``, ``waiting`` or None) and, in a drop-in group, the sessions it
    holds a seat in: three round trips, never other families."""
    groups, keys = [], []
    for group in store.groups_for(case.id, case.service, now):
        mine = _own_keys(group, case.id)
        if not may_join(group, case) or len(groups) == MAX_LISTED or \
                len(keys) + len(mine) > MAX_KEYS:
            continue
        groups.append(group)
        keys += mine
    held = batch_get(keys)
    return [(g, "seated" if store.seat_key(g.id, case.id) in held else
             "waiting" if store.wait_key(g.id, case.id) in held else
             "seated" if sessions else None, sessions)
            for g in groups
            for sessions in [frozenset(s.id for s in g.sessions if store.session_seat_key(
                g.id, s.id, case.id) in held)]]


def _own_keys(group: Group, case_id: str) -> list[tuple[str, str]]:
    if group.per_session:
        return [store.session_seat_key(group.id, s.id, case_id) for s in group.sessions]
    return [store.seat_key(group.id, case_id), store.wait_key(group.id, case_id)]


def seated_sessions(case: Case, now: datetime) -> list[Appointment]:
    """The sessions the family holds a seat in (the series', or a drop-in group's one by
    one), for its own calendar."""
    ids = [s.id for g, place, held in family_groups(case, now) if place == "seated"
           for s in g.sessions if not g.per_session or s.id in held]
    items = batch_get([appointment_key(i) for i in ids[:100]])
    return sorted((appointment_from_item(i) for i in items.values()), key=lambda a: a.start)


def family_view(group: Group, place: str | None, held: frozenset[str] = frozenset()) -> dict:
    """A group as its family sees it: when, where, seats left, and the family's own place
    (in a drop-in group, each session's seats left and the family's seat in it)."""
    sessions = [{"id": s.id, "start": s.start, "end": s.end} for s in group.sessions]
    if group.per_session:
        for view, session in zip(sessions, group.sessions):
            view |= {"seats_left": group.seats_left_in(session),
                     "status": "seated" if session.id in held else None}
    return {"id": group.id, "service": group.service, "office": group.office,
            "minutes": group.minutes, "seats_left": group.seats_left, "status": place,
            "per_session": group.per_session, "sessions": sessions}


def take_seat(case: Case, group_id: str, now: datetime, wait: bool = True,
              session_id: str | None = None) -> str:
    """A seat for the family (``seated``), or when every seat is taken a place in line
    (``waiting``; with ``wait`` False: 409 ``group_full`` instead). Asking again answers
    the place the family already has. A drop-in group takes ``session_id``: a seat in
    that session, with no line (409 ``group_full`` when it is full).

    Raises:
        NotFound: no such group, or one the family may not join (404).
        Rejected: 422 ``group_closed`` once the last session (or the session) has begun;
            ``session_required`` for a drop-in group without a session, ``invalid_value``
            for a session of a series group or one the group does not have.
        Conflict: 409 ``group_full`` (with ``wait`` False, or for a drop-in session).
    """
    group = _joinable(case, group_id, now)
    if group.per_session or session_id is not None:
        return _take_session_seat(case, group, _session_of(group, session_id, now), now)

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


def _take_session_seat(case: Case, group: Group, session: Session, now: datetime) -> str:
    def attempt(_):
        place = _commit(lambda tx: store.take_session_seat(tx, group.id, session.id, case.id,
                                                           now), "seated")
        if place is None:
            raise Conflict("every seat of this session is taken", code="group_full")
        return place if place == "seated" else AGAIN

    return retrying(attempt, ATTEMPTS, Unavailable("the group is busy, try again"))


def _session_of(group: Group, session_id: str | None, now: datetime) -> Session:
    """The drop-in session a family asks for (not yet begun)."""
    if not group.per_session:
        raise Rejected("session: this group's seats are for the whole series",
                       code="invalid_value", field="session")
    if session_id is None:
        raise Rejected("session: a seat in this group is for one session; say which",
                       code="session_required", field="session")
    session = group.session(session_id)
    if session is None:
        raise Rejected("session: no such session in this group", code="invalid_value",
                       field="session")
    if session.start <= now:
        raise Rejected("the session has begun", code="group_closed")
    return session


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


def give_up_seat(case: Case, group_id: str, now: datetime,
                 session_id: str | None = None) -> None:
    """Leave the group (seat or line); a freed seat goes to the first in line. A drop-in
    group takes ``session_id``: leave that session. Leaving twice is a no-op."""
    def attempt(_):
        group, roster = _roster(case, group_id)
        if group.per_session or session_id is not None:
            _give_up_session_seat(case, group, roster, _session_of(group, session_id, now))
            return None
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


def _give_up_session_seat(case: Case, group: Group, roster: Roster, session: Session) -> None:
    if roster.place_of(case.id, session.id) is None:
        return
    tx = Transaction()
    store.leave_session_seat(tx, group.id, session.id, case.id)
    try:
        tx.commit()
    except TransactionCancelled:
        pass  # given up meanwhile (the seat was the only condition)


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


def seated_families(group_id: str, session_id: str) -> list[Case]:
    """The cases seated in session ``session_id`` of ``group_id`` (none when it is no
    group), for its reminders: the series' families and those seated in that session."""
    found = store.read_group(group_id) if is_group_id(group_id) else None
    if found is None:
        return []
    seated = found[2].seated_in(session_id)
    items = batch_get([case_key(c) for c in seated])
    return [case_from_plain(items[case_key(c)]) for c in seated if case_key(c) in items]


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
