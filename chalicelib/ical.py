"""Deterministic iCalendar feeds (RFC 5545, calendar properties of RFC 7986).

The same events always give the same bytes, so a feed's ETag only changes when its data
does: nothing here reads the clock or invents identifiers. Every timed event is written
in Europe/Helsinki against one hand-written VTIMEZONE with the EU summer-time rule, which
Outlook, Google, Apple and Thunderbird (ical.js) all expand the same way for any date.

The content lines are written here (RFC 5545 §3.1 folding, §3.3.11 TEXT escaping) rather
than by icalendar, which needs ~0.3 ms per VEVENT and ~40 ms to import: a 500-event feed
renders in a few milliseconds. tests/unit/test_ical_writer.py holds the bytes equal to
icalendar's for generated events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from unicodedata import category

from chalicelib.domain.workdays import HELSINKI

PRODID = "-//Tapaamo//Tapaamo calendar feed//FI"
TZID = "Europe/Helsinki"

# Since 1996 the EU rule: summer time from the last Sunday of March 01:00 UTC (03:00 EET)
# to the last Sunday of October 01:00 UTC (04:00 EEST). RRULE-based components instead of
# icalendar's zoneinfo-generated list of transitions: clients read them the same way for
# dates beyond any list. Instants before 1996 are not expressed correctly, and need not be.
# Written in the order icalendar writes properties and rule parts, as feeds always were.
HELSINKI_VTIMEZONE = """\
BEGIN:VTIMEZONE\r
TZID:Europe/Helsinki\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZNAME:EEST\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0300\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
DTSTART:19701025T040000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZNAME:EET\r
TZOFFSETFROM:+0300\r
TZOFFSETTO:+0200\r
END:STANDARD\r
END:VTIMEZONE\r
"""

EventStatus = Literal["CONFIRMED", "CANCELLED"]
_STATUSES = ("CONFIRMED", "CANCELLED")


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT of a feed: an appointment, a review deadline or an on-call shift.

    Timed events have aware ``start``/``end`` datetimes; all-day events (e.g. a review
    deadline, määräpäivä) have dates, ``end`` exclusive. ``uid`` must never change for the
    same record; ``sequence`` is raised by the record on every change of time, place or
    status; ``created``/``last_modified`` are the record's own aware instants.
    """

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    created: datetime
    last_modified: datetime
    sequence: int = 0
    status: EventStatus = "CONFIRMED"
    transparent: bool = False
    location: str | None = None
    description: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.uid or _has_control(self.uid):
            raise ValueError("a uid must be non-empty printable text")
        if self.status not in _STATUSES:
            raise ValueError(f"status must be one of {_STATUSES}, not {self.status!r}")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        for instant in (self.created, self.last_modified):
            _require_aware(instant)
        if isinstance(self.start, datetime) != isinstance(self.end, datetime):
            raise ValueError("start and end must both be dates or both be datetimes")
        if self.all_day:
            if self.end <= self.start:
                raise ValueError("an all-day event ends on a later date (end is exclusive)")
        else:
            _require_aware(self.start)
            _require_aware(self.end)
            if self.end <= self.start:
                raise ValueError("an event must end after it starts")

    @property
    def all_day(self) -> bool:
        """True when the event spans whole days (DATE values) rather than a time."""
        return not isinstance(self.start, datetime)


def render_calendar(
    name: str,
    events: Sequence[FeedEvent],
    *,
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """Render a published calendar feed as UTF-8 bytes with CRLF lines folded at 75 octets.

    Events are ordered by start instant and then uid, so the input order does not matter.

    Args:
        name: The calendar's display name (NAME and X-WR-CALNAME).
        events: The events; their uids must be unique.
        refresh: How often clients should poll (REFRESH-INTERVAL and X-PUBLISHED-TTL).

    Returns:
        The iCalendar stream, without a byte-order mark.

    Raises:
        ValueError: If two events share a uid or ``refresh`` is not positive.

    >>> render_calendar("Tyhjä", []).startswith(b"BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\n")
    True
    """
    if refresh <= timedelta(0):
        raise ValueError("refresh must be positive")
    uids = [event.uid for event in events]
    if len(set(uids)) != len(uids):
        raise ValueError("event uids must be unique within a feed")
    body = b"".join(_vevent_bytes(event) for event in sorted(events, key=_order))
    return _calendar_head(name, refresh) + body + _CALENDAR_END


_CALENDAR_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=64)
def _calendar_head(name: str, refresh: timedelta) -> bytes:
    """Everything before the events: the calendar's properties and the VTIMEZONE."""
    title, every = _escaped(_text(name)), _duration(refresh)
    return _lines(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{title}",
        f"X-WR-CALNAME:{title}",
        # RFC 7986 requires VALUE=DURATION; X-PUBLISHED-TTL is the older clients' twin.
        f"REFRESH-INTERVAL;VALUE=DURATION:{every}",
        f"X-PUBLISHED-TTL:{every}",
        f"X-WR-TIMEZONE:{TZID}",
    ) + HELSINKI_VTIMEZONE.encode()


# A feed polled again reuses its blocks. The key is the whole (frozen) event, so a changed
# record can never be served from a stale block. 40,000: two of the largest feeds
# benchmarked (10,000 appointments, bench/feeds.py) and their neighbours.
@lru_cache(maxsize=40_000)
def _vevent_bytes(event: FeedEvent) -> bytes:
    # Properties in the order icalendar writes them (its canonical ones, then A-Z), so
    # feeds keep the bytes, and so the ETags, they had when icalendar wrote them.
    busy = not event.transparent and event.status != "CANCELLED"
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_escaped(_text(event.summary))}",
        f"DTSTART{_when(event.start)}",
        f"DTEND{_when(event.end)}",
        f"DTSTAMP:{_utc(event.last_modified)}",
        f"UID:{_escaped(event.uid)}",
        f"SEQUENCE:{event.sequence}",
        "CLASS:PRIVATE",
        f"CREATED:{_utc(event.created)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{_escaped(_text(event.description))}")
    lines.append(f"LAST-MODIFIED:{_utc(event.last_modified)}")
    if event.location:
        lines.append(f"LOCATION:{_escaped(_text(event.location))}")
    lines.append(f"STATUS:{event.status}")
    # A cancelled event stays in the feed for a while but must never block time.
    lines.append(f"TRANSP:{'OPAQUE' if busy else 'TRANSPARENT'}")
    if event.url:
        lines.append(f"URL;VALUE=URI:{event.url}")
    lines.append("END:VEVENT")
    return _lines(*lines)


def _lines(*lines: str) -> bytes:
    return "".join(_folded(line) + "\r\n" for line in lines).encode()


def _folded(line: str) -> str:
    """RFC 5545 §3.1: CRLF + space before the 75th octet, never inside a UTF-8 sequence.

    As icalendar does: a physical line holds at most 74 octets of content, and a
    backslash (or ``^``) that would end one moves to the next, so no client sees an
    escape split across a fold.
    """
    if len(line) < 75 and (line.isascii() or len(line.encode()) < 75):
        return line
    pieces: list[str] = []
    piece: list[str] = []
    octets = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode())
        if piece and octets + size >= 75:
            carried = [piece.pop()] if len(piece) > 1 and piece[-1] in "\\^" else []
            pieces.append("".join(piece))
            piece, octets = carried, sum(len(c.encode()) for c in carried)
        piece.append(char)
        octets += size
    pieces.append("".join(piece))
    return "\r\n ".join(pieces)


def _escaped(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and line breaks escaped.

    A literal ``\\N`` is read as a line break first, as icalendar reads it: feeds keep the
    bytes they had.
    """
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


def _duration(span: timedelta) -> str:
    """RFC 5545 §3.3.6 DURATION of a positive span, e.g. ``PT1H``, ``P1DT30M``."""
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join((f"{hours}H" if hours else "",
                    f"{minutes}M" if minutes or (hours and seconds) else "",
                    f"{seconds}S" if seconds else ""))
    time = f"T{time}" if time else ""
    return f"PT{time[1:]}" if span.days == 0 and time else f"P{span.days}D{time}"


def _when(value: datetime | date) -> str:
    """The DTSTART/DTEND parameters and value: Helsinki wall time, or UTC where wall time
    is ambiguous."""
    if not isinstance(value, datetime):
        return f";VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"
    wall = value.astimezone(HELSINKI).replace(microsecond=0)
    # A wall time in the autumn fold (03:00-04:00 on the last Sunday of October) happens
    # twice. RFC 5545 3.3.5 says TZID means the first occurrence, but ical.js takes the
    # second, so both are written in UTC, which has one meaning. (recurring-ical-events
    # still misreads these after applying X-WR-TIMEZONE; see tests/unit/test_ical.py.)
    if wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset():
        return f":{_utc(value)}"
    return f";TZID={TZID}:{_stamp(wall)}"


def _text(value: str) -> str:
    """TEXT without the control characters RFC 5545 forbids; any line break becomes LF."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.isprintable():
        return value
    return "".join(char for char in value if char in "\n\t" or category(char) != "Cc")


def _has_control(value: str) -> bool:
    return any(category(char) == "Cc" for char in value)


def _utc(instant: datetime) -> str:
    """A DATE-TIME in UTC, e.g. ``20260202T091500Z``."""
    return f"{_stamp(instant.astimezone(UTC))}Z"


def _stamp(moment: datetime) -> str:
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}")


def _order(event: FeedEvent) -> tuple[datetime, str]:
    start = event.start
    if not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day, tzinfo=HELSINKI)
    return start.astimezone(UTC), event.uid


def _require_aware(value: datetime | date) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"expected an aware datetime, got {value!r}")
