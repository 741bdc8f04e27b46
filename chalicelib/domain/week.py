"""Calendar weeks and days for the console's views: which week a link names, and what a
worker's day holds (booked hours, absence) from their diary. Pure; times in Helsinki.

A week runs Monday–Sunday (ISO 8601). ``?week=`` is an ISO week (``2026-W49``) or any
date in it (``2026-12-02``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from chalicelib.domain.diary import WorkerDiary
from chalicelib.domain.errors import Rejected
from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import at_local, local

ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")
# Absence reasons (poissaolon syy) are codes from this list: no free text about a person.
ABSENCE_REASONS = ("sick", "vacation", "training", "flextime", "child_sick", "other_duty")
FIRST_YEAR, LAST_YEAR = 2000, 2099


def monday_of(asked: str | None, today: date) -> date:
    """The Monday of the week ``asked`` names (this week's when none).

    >>> monday_of("2026-W49", date(2026, 1, 1)), monday_of("2026-12-06", date(2026, 1, 1))
    (datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))

    Raises:
        Rejected: neither an ISO week nor a date of this century.
    """
    if not asked:
        day = today
    else:
        try:
            week = ISO_WEEK.fullmatch(asked)
            day = (date.fromisocalendar(int(week[1]), int(week[2]), 1) if week
                   else date.fromisoformat(asked))
        except ValueError:
            day = None
        if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Rejected("week: an ISO week (2026-W49) or a date (2026-12-02)",
                           code="invalid_value", field="week")
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """``2026-W49``: the ISO week of ``monday``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def day_span(day: date) -> Interval:
    """The local day as an interval (23 or 25 hours on DST days)."""
    return Interval(at_local(day, 0), at_local(day + timedelta(days=1), 0))


@dataclass(frozen=True)
class DayLoad:
    """One worker's day in the team grid: minutes booked, and whether (wholly) absent."""

    day: date
    booked_minutes: int
    absent: bool
    whole_day_absent: bool


def day_loads(diary: WorkerDiary, days: list[date]) -> list[DayLoad]:
    """How much of each day the worker's appointments take, and their absence that day.

    >>> from chalicelib.domain.diary import Busy
    >>> d = date(2026, 12, 1)
    >>> day_loads(WorkerDiary("w", busy=(Busy(Interval(at_local(d, 9), at_local(d, 10, 30)),
    ...                                       "home:c"),)), [d])[0].booked_minutes
    90
    """
    wanted = set(days)
    minutes: dict[date, timedelta] = {d: timedelta() for d in days}
    away: dict[date, list[Interval]] = {d: [] for d in days}
    # One pass over the intervals, each cut at the days it touches (not days × intervals).
    for interval in merge(b.interval for b in diary.busy):
        for day, part in _by_day(interval, wanted):
            minutes[day] += part.end.astimezone(UTC) - part.start.astimezone(UTC)
    for interval in merge(diary.absences):
        for day, part in _by_day(interval, wanted):
            away[day].append(part)
    return [DayLoad(d, int(minutes[d].total_seconds() // 60), bool(away[d]),
                    any(p == day_span(d) for p in away[d])) for d in days]


def _by_day(interval: Interval, wanted: set[date]):
    """(day, the part of ``interval`` on it) for the wanted local days it touches."""
    day = local(interval.start).date()
    while at_local(day, 0) < interval.end:
        span = day_span(day)
        if day in wanted and interval.overlaps(span):
            # Lengths are taken in UTC: wall-clock differences are an hour off across DST.
            yield day, Interval(max(interval.start, span.start), min(interval.end, span.end))
        day += timedelta(days=1)
