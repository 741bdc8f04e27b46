"""Busy intervals of an iCalendar document (RFC 5545): a published link or CalDAV data.

``recurring-ical-events`` expands RRULE/RDATE with EXDATE and RECURRENCE-ID overrides in
each event's own time zone, so a weekly 09:00 meeting stays at 09:00 across the DST change.
``TRANSP:TRANSPARENT`` and ``STATUS:CANCELLED`` do not block; an all-day event blocks the
worker's whole Helsinki day(s); a floating time is read as Helsinki time. Only start and
end leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import HELSINKI, at_local
from chalicelib.sources.guard import FetchError


def busy_intervals(documents: Iterable[bytes], span: Interval) -> list[Interval]:
    """The merged busy time of every event in ``documents`` that overlaps ``span``.

    Raises:
        FetchError: a document is not iCalendar.
    """
    import icalendar
    import recurring_ical_events

    found = []
    for document in documents:
        try:
            calendar = icalendar.Calendar.from_ical(document)
            events = recurring_ical_events.of(calendar).between(span.start, span.end)
        except (ValueError, KeyError, TypeError) as error:
            raise FetchError(f"not an iCalendar document ({type(error).__name__})") from None
        found += [i for i in map(_interval, events) if i is not None and i.overlaps(span)]
    return merge(found)


def _interval(event) -> Interval | None:
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start, end = event.get("DTSTART"), event.get("DTEND")
    if start is None:
        return None
    first = _instant(start.dt)
    if end is not None:
        last = _instant(end.dt)
    elif isinstance(start.dt, datetime):
        last = first  # no DTEND: a moment, which blocks nothing (RFC 5545 3.6.1)
    else:
        last = at_local(start.dt + timedelta(days=1), 0)  # a date alone: that one day
    if last <= first:
        return None
    return Interval(first, last)


def _instant(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return at_local(value, 0)  # an all-day event: the worker's local day
    return value if value.tzinfo else value.replace(tzinfo=HELSINKI)
