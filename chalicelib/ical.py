"""Deterministic iCalendar feeds (RFC 5545, calendar properties of RFC 7986).

The same events always give the same bytes, so a feed's ETag only changes when its data
does: nothing here reads the clock or invents identifiers. Every timed event is written
in Europe/Helsinki against one hand-written VTIMEZONE with the EU summer-time rule, which
Outlook, Google, Apple and Thunderbird (ical.js) all expand the same way for any date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from unicodedata import category

from chalicelib.domain.workdays import HELSINKI

if TYPE_CHECKING:  # icalendar costs ~40 ms of cold start: imported where a feed is drawn
    from icalendar import Calendar, Event

PRODID = "-//Tapaamo//Tapaamo calendar feed//FI"
TZID = "Europe/Helsinki"

# Since 1996 the EU rule: summer time from the last Sunday of March 01:00 UTC (03:00 EET)
# to the last Sunday of October 01:00 UTC (04:00 EEST). RRULE-based components instead of
# icalendar's zoneinfo-generated list of transitions: clients read them the same way for
# dates beyond any list. Instants before 1996 are not expressed correctly, and need not be.
HELSINKI_VTIMEZONE = """\
BEGIN:VTIMEZONE\r
TZID:Europe/Helsinki\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0300\r
TZNAME:EEST\r
DTSTART:19700329T030000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0300\r
TZOFFSETTO:+0200\r
TZNAME:EET\r
DTSTART:19701025T040000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
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
    from icalendar import Timezone

    calendar = _calendar_header(name, refresh)
    calendar.add_component(Timezone.from_ical(HELSINKI_VTIMEZONE))
    head = calendar.to_ical().removesuffix(_CALENDAR_END)
    # icalendar serialises a calendar as its own lines followed by each component's
    # to_ical(), so joining cached VEVENT blocks gives the very same bytes.
    body = b"".join(_vevent_bytes(event) for event in sorted(events, key=_order))
    return head + body + _CALENDAR_END


_CALENDAR_END = b"END:VCALENDAR\r\n"


# icalendar needs ~0.3 ms per VEVENT; a feed polled again reuses its blocks. The key is
# the whole (frozen) event, so a changed record can never be served from a stale block.
@lru_cache(maxsize=20_000)
def _vevent_bytes(event: FeedEvent) -> bytes:
    return _vevent(event).to_ical()


def _calendar_header(name: str, refresh: timedelta) -> Calendar:
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", _text(name))
    calendar.add("X-WR-CALNAME", _text(name))
    calendar.add("X-WR-TIMEZONE", TZID)
    # RFC 7986 requires VALUE=DURATION; icalendar does not write it by itself.
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))  # an X- property is text otherwise
    return calendar


def _vevent(event: FeedEvent) -> Event:
    from icalendar import Event

    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", _utc(event.last_modified))
    vevent.add("CREATED", _utc(event.created))
    vevent.add("LAST-MODIFIED", _utc(event.last_modified))
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("SUMMARY", _text(event.summary))
    vevent.add("DTSTART", _when(event.start))
    vevent.add("DTEND", _when(event.end))
    vevent.add("STATUS", event.status)
    # A cancelled event stays in the feed for a while but must never block time.
    busy = not event.transparent and event.status != "CANCELLED"
    vevent.add("TRANSP", "OPAQUE" if busy else "TRANSPARENT")
    vevent.add("CLASS", "PRIVATE")
    for key, value in (("LOCATION", event.location), ("DESCRIPTION", event.description)):
        if value:
            vevent.add(key, _text(value))
    if event.url:
        vevent.add("URL", event.url, parameters={"VALUE": "URI"})
    return vevent


def _when(value: datetime | date) -> datetime | date:
    """The DTSTART/DTEND value: Helsinki wall time, or UTC where wall time is ambiguous."""
    if not isinstance(value, datetime):
        return value
    wall = value.astimezone(HELSINKI).replace(microsecond=0)
    # A wall time in the autumn fold (03:00-04:00 on the last Sunday of October) happens
    # twice. RFC 5545 3.3.5 says TZID means the first occurrence, but ical.js takes the
    # second, so both are written in UTC, which has one meaning. (recurring-ical-events
    # still misreads these after applying X-WR-TIMEZONE; see tests/unit/test_ical.py.)
    if wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset():
        return _utc(value)
    return wall


def _text(value: str) -> str:
    """TEXT without the control characters RFC 5545 forbids; any line break becomes LF."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in value if char in "\n\t" or category(char) != "Cc")


def _has_control(value: str) -> bool:
    return any(category(char) == "Cc" for char in value)


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


def _order(event: FeedEvent) -> tuple[datetime, str]:
    start = event.start
    if not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day, tzinfo=HELSINKI)
    return start.astimezone(UTC), event.uid


def _require_aware(value: datetime | date) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"expected an aware datetime, got {value!r}")
