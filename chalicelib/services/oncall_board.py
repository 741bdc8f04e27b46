"""The console's on-call page: who is on call now and the next 14 days' coverage per level.

A cover (an override) can be previewed: the same coverage as if it were saved, from the
same read of the rota, with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.oncall import LEVELS, Override
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


def coverage(rota_store, now: datetime, cover: Override | None = None) -> Coverage:
    """The coverage page's facts; with ``cover``, as they would be once it is saved."""
    rota = rota_store.load()
    if cover is not None:
        rota = rota.with_override(cover, {}, now)
    today = local(now).date()
    start, end = at_local(today, 0), at_local(today + timedelta(days=HORIZON_DAYS), 0)
    holders = {level: OnCall(level, worker, rota.reach(worker).phone) if worker else None
               for level, worker in rota.on_call(now).items()}
    return Coverage(holders, {level: rota.coverage(level, start, end) for level in LEVELS},
                    start, end)
