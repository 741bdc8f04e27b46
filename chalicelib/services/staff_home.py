"""The console's home: a member of staff's next meetings and the review deadlines due soon.

One agenda Query per worker (``DynamoAgenda.worker_agenda``): a worker's own, a
coordinator's the whole team's, up to ``PARALLEL`` at a time. A pair's meeting is in both
workers' agendas and a deadline in each owner's, so both are de-duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.review_state import Deadline
from chalicelib.domain.workdays import local

SOON_DAYS = 14
MEETINGS_SHOWN = 10
PARALLEL = 8  # botocore clients are thread-safe; a team's Queries need not wait in line


@dataclass(frozen=True)
class Home:
    """What the home page shows.

    Attributes:
        meetings: the next booked meetings, earliest first.
        deadlines: open review deadlines due within ``SOON_DAYS`` or overdue, earliest first.
        today: the Helsinki date the page was made on (a deadline before it is overdue).
    """

    meetings: tuple[AgendaEntry, ...]
    deadlines: tuple[Deadline, ...]
    today: date


def home(agenda, worker_ids: Iterable[str], now: datetime) -> Home:
    """The home of someone who works with ``worker_ids``' cases (one Query per worker)."""
    meetings: dict[str, AgendaEntry] = {}
    deadlines: dict[tuple[str, str], Deadline] = {}
    today = local(now).date()
    for found in read_agendas(agenda, worker_ids, now):
        for entry in found.entries:
            if entry.status == "booked" and entry.end > now:
                meetings[entry.id] = entry
        for deadline in found.deadlines:
            if deadline.due <= today + timedelta(days=SOON_DAYS):
                deadlines[(deadline.case_id, deadline.review_id)] = deadline
    return Home(meetings=tuple(sorted(meetings.values(), key=lambda e: e.start)[:MEETINGS_SHOWN]),
                deadlines=tuple(sorted(deadlines.values(), key=lambda d: (d.due, d.case_id))),
                today=today)


def read_agendas(agenda, worker_ids: Iterable[str], since: datetime) -> list:
    """Each named worker's agenda from ``since`` (each worker once, ``PARALLEL`` at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    workers = list(dict.fromkeys(worker_ids))
    if len(workers) < 2:
        return [agenda.worker_agenda(w, since) for w in workers]
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(workers))) as pool:
        return list(pool.map(lambda w: agenda.worker_agenda(w, since), workers))
