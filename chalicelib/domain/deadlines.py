"""Statutory deadline arithmetic per laki säädettyjen määräaikain laskemisesta (150/1930).

The opening day (määräajan alkamispäivä) is not counted (1 §); a period in months ends on
the day with the same number, or the month's last day if there is none (3 §); a deadline
that falls on a Saturday, Sunday or holiday moves to the next working day (5 §). Reminder
and overdue dates for review deadlines live here too, as they are the same calendar.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from chalicelib.domain.workdays import is_working_day, next_working_day

DEFAULT_REMINDER_DAYS = (14, 3)


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later (or earlier), clamped to the month's end.

    This is the raw calendar step of 150/1930 3 §, without the working-day move.

    >>> add_months(date(2027, 1, 31), 1)
    datetime.date(2027, 2, 28)
    """
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def deadline_after_days(opening: date, days: int) -> date:
    """The last day of a period of ``days`` days that opens on ``opening``.

    >>> deadline_after_days(date(2026, 12, 18), 6)  # 24.12. is jouluaatto
    datetime.date(2026, 12, 28)
    """
    _require_non_negative(days, "days")
    return next_working_day(opening + timedelta(days=days))


def deadline_after_months(opening: date, months: int) -> date:
    """The last day of a period of ``months`` calendar months that opens on ``opening``.

    >>> deadline_after_months(date(2027, 11, 30), 3)  # leap year: 29.2.
    datetime.date(2028, 2, 29)
    """
    _require_non_negative(months, "months")
    return next_working_day(add_months(opening, months))


def deadline_after_working_days(opening: date, working_days: int) -> date:
    """The ``working_days``-th working day after ``opening`` (Lastensuojelulaki 26 §).

    >>> deadline_after_working_days(date(2026, 12, 18), 7)  # 24.–27.12. are days off
    datetime.date(2026, 12, 31)
    """
    _require_non_negative(working_days, "working_days")
    day, counted = opening, 0
    while counted < working_days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return next_working_day(day)


def reminder_dates(due: date, days_before: Iterable[int] = DEFAULT_REMINDER_DAYS) -> list[date]:
    """The days to remind of a deadline, earliest first, one per day.

    A reminder that would fall on a day off is sent on the working day before it:
    earlier rather than later, so the warning still comes in time.

    >>> reminder_dates(date(2027, 1, 7))  # 3 days before is Monday 4.1.
    [datetime.date(2026, 12, 23), datetime.date(2027, 1, 4)]
    """
    return sorted({previous_working_day(due - timedelta(days=n)) for n in days_before})


def overdue_date(due: date) -> date:
    """The working day after ``due``: the first day a missed deadline is reported."""
    return next_working_day(due + timedelta(days=1))


def previous_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _require_non_negative(value: int, name: str) -> None:
    if value < 0:
        raise ValueError(f"{name} must be zero or more, not {value}")
