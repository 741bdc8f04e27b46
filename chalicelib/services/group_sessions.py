"""Staff changes to one session of a peer-support group: cancel it.

Cancelling releases the session like any cancelled appointment (the leaders' calendars,
the room, its reminders; the leaders' feeds show it cancelled), takes it off the group and
tells each family seated in it, in one transaction (fenced by the group's version). A
group keeps at least one session: its sessions are what it is.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Conflict, NotFound, Rejected
from chalicelib.domain.groups import Group, Session
from chalicelib.domain.notification import Notification
from chalicelib.services.booking import RULES
from chalicelib.services.links import family_link
from chalicelib.store import appointments, calendar
from chalicelib.store import groups as store
from chalicelib.store.directory import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get, utc_iso

MAX_OPERATIONS = 100  # one DynamoDB transaction
FAMILIES_PER_TRANSACTION = 30  # a link and up to two messages each


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
    families = _cases(roster.seated_in(session_id))
    first = families[:_room_left(plan)]
    for case in first:
        _tell(plan.tx, "cancellation", group, session, case, now)
    try:
        plan.commit(token=f"cancel-{session_id}")
    except TransactionCancelled as cancelled:
        raise Conflict("the group changed meanwhile; read it and try again",
                       code="changed_meanwhile") from cancelled
    rest = families[len(first):]
    for start in range(0, len(rest), FAMILIES_PER_TRANSACTION):  # more than one can hold
        tx = Transaction()
        for case in rest[start:start + FAMILIES_PER_TRANSACTION]:
            _tell(tx, "cancellation", group, session, case, now)
        tx.commit()
    return after


def _led_group(actor: Actor, group_id: str):
    found = store.read_group(group_id)
    if found is None or not (actor.is_coordinator or actor.worker_id in found[0].workers):
        raise NotFound("no such group")
    return found


def _cases(case_ids: tuple[str, ...]) -> list[Case]:
    items = batch_get([case_key(c) for c in case_ids])
    return [case_from_plain(items[case_key(c)]) for c in case_ids if case_key(c) in items]


def _room_left(plan: calendar.Plan) -> int:
    """How many families' messages still fit in ``plan``'s transaction."""
    return max(0, (MAX_OPERATIONS - len(plan.tx.ops) - len(plan.changes)) // 3)


def _tell(tx: Transaction, kind: str, group: Group, session: Session, case: Case,
          now: datetime) -> None:
    """Queue a group message of ``kind`` about ``session`` on each of the family's
    channels, with a fresh link to its page."""
    destinations = case.contact.destinations()
    if not destinations:
        return
    ref = family_link(tx, case, now, until=group.end)
    params = {"audience": "group", "start": utc_iso(session.start),
              "location": group.office, "link_ref": ref}
    for channel, recipient in destinations:
        enqueue(tx, Notification(
            kind, channel, recipient, dedupe_key=f"{kind}:{session.id}:{case.id}:"
                                                 f"{utc_iso(session.start)}",
            language=case.contact.language, case_id=case.id, params=params), now)
