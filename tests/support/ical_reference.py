"""The feed as icalendar writes it: the reference chalicelib.ical's own writer must match.

This is the icalendar-based renderer the feeds used before (icalendar 7.3), kept as a
test oracle: same properties, same values, icalendar's escaping, ordering and folding.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, Timezone, vDuration

from chalicelib.domain.workdays import HELSINKI
from chalicelib.ical import HELSINKI_VTIMEZONE, PRODID, TZID, FeedEvent, _order, _text


def reference_calendar(name: str, events: Sequence[FeedEvent],
                       refresh: timedelta = timedelta(hours=1)) -> bytes:
    """What ``render_calendar(name, events, refresh=refresh)`` must return, by icalendar."""
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", _text(name))
    calendar.add("X-WR-CALNAME", _text(name))
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    calendar.add_component(Timezone.from_ical(HELSINKI_VTIMEZONE))
    for event in sorted(events, key=_order):
        calendar.add_component(reference_vevent(event))
    return calendar.to_ical()


def reference_vevent(event: FeedEvent) -> Event:
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
    if not isinstance(value, datetime):
        return value
    wall = value.astimezone(HELSINKI).replace(microsecond=0)
    if wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset():
        return _utc(value)
    return wall


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)
