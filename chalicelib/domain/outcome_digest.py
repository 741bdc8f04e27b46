"""Meetings waiting for an outcome, and when the morning digest that lists them is due.

A worker records what happened at each meeting (held, no-show, cancelled-late); what is
still unrecorded once the previous working day has ended is summed up in one message a
day: a count and the case codes, never a family's name (docs/domain.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.workdays import at_local, is_working_day, local

WINDOW = timedelta(days=30)  # older meetings are history: the feed shows 30 days back too
DIGEST_HOUR = 7  # Helsinki: the digest goes out from 07:00 on a working day
CODES_SHOWN = 3  # so the SMS stays one segment; the page it links to lists them all


def awaiting_outcome(entries: Iterable[AgendaEntry], until: datetime) -> list[AgendaEntry]:
    """The booked meetings that ended by ``until`` with no outcome, earliest first.

    Group sessions are left out: their outcome is not recorded per family.

    >>> from datetime import UTC
    >>> t = datetime(2026, 12, 1, 9, tzinfo=UTC)
    >>> e = AgendaEntry("a1", "k1", t, t + timedelta(hours=1), "home", "meeting", "booked",
    ...                 0, t, t)
    >>> [x.id for x in awaiting_outcome([e], t + timedelta(hours=2))]
    ['a1']
    """
    return sorted((e for e in entries if e.status == "booked" and e.kind != "group"
                   and e.outcome is None and e.end <= until),
                  key=lambda e: (e.start, e.id))


def previous_working_day(day: date) -> date:
    """The last working day before ``day`` (Friday for a Monday; skips holidays).

    >>> previous_working_day(date(2026, 12, 7))  # Monday after independence day (Sunday)
    datetime.date(2026, 12, 4)
    """
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def digest_cutoff(now: datetime) -> datetime | None:
    """The end of the previous working day, if a digest is due at ``now``: on a working
    day from :data:`DIGEST_HOUR` Helsinki time. None at other times (the schedule fires
    at two UTC hours, one of which is 07:00 in Helsinki whether it is summer or winter).

    >>> from chalicelib.domain.workdays import HELSINKI
    >>> digest_cutoff(datetime(2026, 12, 7, 7, tzinfo=HELSINKI)).isoformat()
    '2026-12-05T00:00:00+02:00'
    >>> digest_cutoff(datetime(2026, 12, 7, 6, 59, tzinfo=HELSINKI)) is None
    True
    """
    wall = local(now)
    if wall.hour < DIGEST_HOUR or not is_working_day(wall.date()):
        return None
    return at_local(previous_working_day(wall.date()) + timedelta(days=1), 0)


def digest_params(entries: Iterable[AgendaEntry]) -> dict[str, str]:
    """What the digest says: how many meetings and which case codes (each once, sorted;
    beyond :data:`CODES_SHOWN` only how many more).

    >>> from datetime import UTC
    >>> t = datetime(2026, 12, 1, 9, tzinfo=UTC)
    >>> e = [AgendaEntry(i, c, t, t, "home", "meeting", "booked", 0, t, t)
    ...      for i, c in (("a1", "k2"), ("a2", "k1"), ("a3", "k2"))]
    >>> digest_params(e)
    {'count': '3', 'codes': 'k1, k2'}
    >>> digest_params([*e, *(AgendaEntry(f"b{n}", f"k{n}", t, t, "home", "meeting", "booked",
    ...                                  0, t, t) for n in range(3, 6))])["codes"]
    'k1, k2, k3 +2'
    """
    entries = list(entries)
    codes = sorted({e.case_id for e in entries})
    more = len(codes) - CODES_SHOWN
    return {"count": str(len(entries)),
            "codes": ", ".join(codes[:CODES_SHOWN]) + (f" +{more}" if more > 0 else "")}
