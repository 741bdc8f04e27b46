"""The console's on-call page: who is on call now and the next 14 days' coverage per level,
and the escalation policy's timeline of who is paged when.

A change (a cover, a rotation made, edited or ended) can be previewed: the same coverage
as if it were saved, from the same read of the rota, with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.escalation import Policy
from chalicelib.domain.escalation_schedule import Paging, schedule
from chalicelib.domain.oncall import LEVELS
from chalicelib.domain.rota import Rota
from chalicelib.domain.workdays import at_local, local
from chalicelib.services.oncall import OnCall

HORIZON_DAYS = 14


@dataclass(frozen=True)
class Coverage:
    """``now``: each level's holder (None: nobody); ``levels``: ``(start, end, worker or
    None)`` pieces from today's midnight (Helsinki) for 14 days."""

    now: dict[str, OnCall | None]
    levels: dict[str, list[tuple[datetime, datetime, str | None]]]
    start: datetime
    end: datetime


def coverage(rota_store, now: datetime,
             change: Callable[[Rota], Rota] | None = None) -> Coverage:
    """The coverage page's facts; with ``change``, as they would be once it is saved.

    Raises:
        DomainError: whatever ``change`` refuses (e.g. an end before the start).
    """
    rota = rota_store.load()
    if change is not None:
        rota = change(rota)
    today = local(now).date()
    start, end = at_local(today, 0), at_local(today + timedelta(days=HORIZON_DAYS), 0)
    holders = {level: OnCall(level, worker, rota.reach(worker).phone) if worker else None
               for level, worker in rota.on_call(now).items()}
    return Coverage(holders, {level: rota.coverage(level, start, end) for level in LEVELS},
                    start, end)


def policy_timeline(rota_store, policy: Policy, now: datetime) -> list[Paging]:
    """Who ``policy`` would page when for a request arriving now that nobody acknowledges,
    over the rota as it stands (nothing written)."""
    return schedule(policy, now, rota_store.load().resolver())
