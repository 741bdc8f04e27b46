"""Instants from outside input: ISO 8601 text with a UTC offset, never a bare wall-clock time.

A time without an offset is refused rather than read as Helsinki time: in the autumn DST
fold (e.g. 2026-10-25 03:30) it would name two instants, and in the spring gap none.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.errors import Invalid
from chalicelib.domain.workdays import HELSINKI

# Anything Tapaamo schedules or asks about lies well inside this century. Outside it the
# answers go wrong quietly: Helsinki kept local mean time (+01:39:49) until 1921, and an
# offset in seconds is not an RFC 3339 date-time (found by `make fuzz` on /oncall/gaps).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_instant(value: object, field: str) -> datetime:
    """The aware datetime ``value`` names, keeping the offset it was given.

    Accepts what ``datetime.fromisoformat`` reads (``Z`` for UTC included) as long as it
    carries an offset and lies in this century (``EARLIEST`` to ``LATEST``).

    >>> parse_instant("2026-12-01T10:00:00+02:00", "start").isoformat()
    '2026-12-01T10:00:00+02:00'

    Args:
        value: the text from a request (anything else is refused too).
        field: the request field it came from, named in the error.

    Raises:
        Invalid: (400 ``bad_request``, ``field`` set) for anything else.
    """
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None and parsed.utcoffset() is not None:
            in_utc = parsed.astimezone(UTC)  # year 1 or 9999 with an offset overflows here
            if EARLIEST <= in_utc < LATEST:
                return parsed
            raise Invalid(f"{field} must lie between {EARLIEST.year} and {LATEST.year - 1}",
                          field=field)
    except (ValueError, OverflowError):
        pass
    raise Invalid(f"{field} must be an ISO 8601 instant with an offset", field=field)


def parse_bound(value: object, field: str, end: bool = False) -> datetime:
    """One bound of a span: an instant, or a date meaning a whole Helsinki day.

    A date as the start means that day's first moment (00:00 Helsinki); as the end
    (``end=True``) the end of that day, i.e. the next day's 00:00, so ``from`` and ``to``
    the same date is that one day: 24 hours, or 23 / 25 on the DST days.

    >>> parse_bound("2026-10-25", "to", end=True).isoformat()
    '2026-10-26T00:00:00+02:00'

    Raises:
        Invalid: (400 ``bad_request``, ``field`` set) when it is neither.
    """
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise Invalid(f"{field} is not a real date", field=field) from None
        if not EARLIEST.date() <= day < LATEST.date() - timedelta(days=1):
            raise Invalid(f"{field} must lie between {EARLIEST.year} and {LATEST.year - 1}",
                          field=field)
        # Helsinki midnight always exists: its DST changes happen at 03:00 and 04:00.
        return datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time(),
                                tzinfo=HELSINKI)
    return parse_instant(value, field)


def parse_day(value: object, field: str) -> date:
    """The calendar day ``value`` names (``YYYY-MM-DD``), within this century.

    A day outside it would overflow the arithmetic that follows (``9999-12-31`` plus a
    week), so it is refused at the edge.

    >>> parse_day("2026-12-01", "from").isoformat()
    '2026-12-01'

    Raises:
        Invalid: (400 ``bad_request``, ``field`` set) for anything else.
    """
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
            else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid(f"{field} must be a date YYYY-MM-DD", field=field)
    if not EARLIEST.date() <= parsed < LATEST.date():
        raise Invalid(f"{field} must lie between {EARLIEST.year} and {LATEST.year - 1}",
                      field=field)
    return parsed
