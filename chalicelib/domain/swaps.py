"""Shift swaps (vuoronvaihto): a worker asks for someone to take one of their on-call shifts,
another worker accepts, and only then does the rota change: an override from the accepter
for exactly that shift. A request is accepted once; a second accept is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import Conflict, Forbidden, Invalid, Rejected
from chalicelib.domain.instants import parse_instant
from chalicelib.domain.oncall import LEVELS, Override, Shift, utc

STATUSES = ("open", "accepted")
# Requests whose shift ended this long ago are dropped from the rota document.
SWAP_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Swap:
    """A request by ``requester`` for someone to take their shift at ``level``."""

    id: str
    requester: str
    level: str
    start: datetime
    end: datetime
    asked_at: datetime
    status: str = "open"
    accepted_by: str | None = None
    accepted_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end", "asked_at"):
            object.__setattr__(self, name, utc(getattr(self, name), name))

    def covering_override(self) -> Override:
        """The override an accepted request put into the rota."""
        return Override(self.accepted_by, self.level, self.start, self.end)


def ask(swap_id: str, requester: str, shift: Shift, my_shifts: list[Shift],
        open_swaps, now: datetime) -> Swap:
    """A new swap request for ``shift``, which must be one of the requester's own.

    Args:
        swap_id: the new request's id.
        requester: the asking worker's id.
        shift: the shift as the request names it (level, start, end).
        my_shifts: the requester's shifts as the rota has them now.
        open_swaps: the requests not yet accepted (one shift is asked for once).
        now: the current instant (a shift already over cannot be swapped).

    Raises:
        Rejected: ``not_your_shift``, ``shift_over`` or ``swap_exists`` (422).
    """
    if shift not in my_shifts:
        raise Rejected("that is not one of your on-call shifts", code="not_your_shift",
                       field="start")
    if shift.end <= now:
        raise Rejected("that shift is over", code="shift_over", field="start")
    if any((s.requester, s.level, s.start, s.end) == (requester, shift.level, shift.start,
                                                       shift.end) for s in open_swaps):
        raise Rejected("a swap of that shift is already asked for", code="swap_exists",
                       field="start")
    return Swap(swap_id, requester, shift.level, shift.start, shift.end, now)


def accept(swap: Swap, accepter: str, now: datetime) -> Swap:
    """``swap`` accepted by ``accepter``.

    Raises:
        Conflict: ``swap_taken`` (409) when it was accepted already.
        Forbidden: the requester accepting their own request.
        Rejected: ``shift_over`` (422) when the shift has ended.
    """
    if swap.status != "open":
        raise Conflict("this swap was accepted already", code="swap_taken")
    if accepter == swap.requester:
        raise Forbidden("you cannot accept your own swap request", code="own_swap")
    if swap.end <= now:
        raise Rejected("that shift is over", code="shift_over")
    return replace(swap, status="accepted", accepted_by=accepter, accepted_at=now)


def shift_from_dict(data: Mapping[str, Any]) -> Shift:
    """The shift a ``POST /oncall/swaps`` body names; Invalid names the bad field."""
    if data.get("level") not in LEVELS:
        raise Invalid("level must be primary or secondary", field="level")
    start = utc(parse_instant(data.get("start"), "start"), "start")
    end = utc(parse_instant(data.get("end"), "end"), "end")
    if end <= start:
        raise Invalid("end must be after start", field="end")
    return Shift(data["level"], start, end)
