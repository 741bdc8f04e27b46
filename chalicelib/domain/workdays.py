"""Finnish working days and the Europe/Helsinki zone every domain calculation uses.

Holidays come from ``holidays.country_holidays("FI")`` with its default categories, which
match the list of laki säädettyjen määräaikain laskemisesta (150/1930): the public
holidays plus juhannusaatto and jouluaatto. Saturdays and Sundays are never working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[date, str]:
    import holidays  # imported lazily: the package is large and only some requests need it

    return dict(holidays.country_holidays("FI", years=year))


def holiday_name(day: date) -> str | None:
    """The English name of the Finnish holiday on ``day``, or None.

    >>> holiday_name(date(2026, 6, 19))
    'Midsummer Eve'
    """
    return _holidays_of(day.year).get(day)


def is_working_day(day: date) -> bool:
    """True for Monday–Friday that is not a Finnish holiday or de facto day off."""
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local(instant: datetime) -> datetime:
    """The instant as Helsinki wall-clock time (aware). Naive datetimes are refused."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant")
    return instant.astimezone(HELSINKI)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    """The aware instant of a Helsinki wall-clock time on ``day``.

    In the autumn DST fold the first (summer-time) occurrence is taken; in the spring gap
    the time is moved forward, as a wall clock would be.
    """
    aware = datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)
    # Round-tripping through UTC normalises a non-existent spring-gap time.
    return aware.astimezone(UTC).astimezone(HELSINKI)
