"""Shift swap use cases: a worker asks for a swap of one of their shifts, another accepts.

The request and the rota live in one document, so an accept is one write conditioned on
the version read: of two accepts racing, one wins and the other re-reads a request that
is taken (409 ``swap_taken``). The override and the asking worker's SMS are written in
that same transaction, so the rota changes and the message goes out exactly once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Forbidden, Rejected
from chalicelib.domain.notification import Notification
from chalicelib.domain.oncall import Shift
from chalicelib.domain.rota import Reach
from chalicelib.domain.swaps import Swap, accept, ask
from chalicelib.domain.workdays import HELSINKI
from chalicelib.services.oncall import change_rota

# A request names a shift, whole, as the rota has it from now to this far ahead.
SHIFT_WINDOW = timedelta(days=92)


def require_worker(actor: Actor) -> str:
    """The actor's worker id; Forbidden for staff without one (a coordinator's account)."""
    if not actor.worker_id:
        raise Forbidden("only a worker with shifts can ask for or accept a swap",
                        code="not_a_worker")
    return actor.worker_id


def ask_swap(rota_store, actor: Actor, shift: Shift, now: datetime) -> Swap:
    """Ask for someone to take ``shift``, which must be one of the actor's own shifts."""
    requester = require_worker(actor)
    made: list[Swap] = []

    def change(rota):
        mine = rota.whole_shifts_of(requester, now, now + SHIFT_WINDOW)
        swap = ask(f"s-{secrets.token_hex(6)}", requester, shift, mine,
                   [s for s in rota.swaps if s.status == "open"], now)
        made[:] = [swap]
        return rota.with_swap(swap, now)

    change_rota(rota_store, change)
    return made[0]


def accept_swap(rota_store, directory, actor: Actor, swap_id: str, now: datetime,
                console_url: str) -> Swap:
    """Take the shift of request ``swap_id``: an override for the accepter, and an SMS
    (or e-mail) to the asking worker, in one write.

    Raises:
        Conflict: ``swap_taken`` if it was accepted already (also when racing).
        Rejected: ``unknown_worker`` if the accepter is not in the directory.
    """
    accepter = require_worker(actor)
    swap = rota_store.load().swap(swap_id)  # NotFound before anything else
    people = directory.get_workers([accepter, swap.requester])
    if accepter not in people:
        raise Rejected(f"unknown worker {accepter!r}", code="unknown_worker")
    taker = people[accepter]
    notes = [(note, now) for note in _told(people.get(swap.requester), swap, console_url)]
    accepted: list[Swap] = []

    def change(rota):
        accepted[:] = [accept(rota.swap(swap_id), accepter, now)]
        return rota.with_swap_accepted(accepted[0], {accepter: Reach(taker.phone, taker.email)},
                                       now)

    change_rota(rota_store, change, notes)
    return accepted[0]


def _told(requester, swap: Swap, console_url: str) -> list[Notification]:
    """The asking worker's message: by SMS, or e-mail if they have no phone."""
    if requester is None or not (requester.phone or requester.email):
        return []
    channel, address = ("sms", requester.phone) if requester.phone else ("email",
                                                                         requester.email)
    params = {"start": swap.start.astimezone(HELSINKI).isoformat(),
              "end": swap.end.astimezone(HELSINKI).isoformat(), "link": console_url}
    return [Notification("swap-accepted", channel, address, f"swap-accepted:{swap.id}",
                         requester.language, params)]


def list_swaps(rota_store) -> tuple[Swap, ...]:
    """The recent swap requests, open and accepted, by shift start."""
    return rota_store.load().swaps
