"""Busy times from a worker's own calendar (Outlook, CalDAV, a published iCal link).

Only intervals are kept: a start and an end, never a title, attendee or description. The
store keeps them on the grid buckets the booking locks use, so the slot engine reads them
with the worker's week and the booking transaction can be conditioned on them:

* a bucket wholly or partly busy holds ``(first busy second, last busy second)`` counted
  from the bucket's start: a meeting that ends at 10:10 does not collide with a court
  hearing that starts at 10:15 in the same half hour. Two separate busy spans inside ONE
  bucket are kept as the span from the first start to the last end (a bucket is 30 min).
* a wholly busy Helsinki day (training, holiday) is one day entry, so a long absence
  stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.booking_rules import BookingRules, bucket_start, lock_buckets
from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import at_local, local

SYNC_DAYS = 120  # how far ahead a source is read
SOURCE_KINDS = ("graph", "caldav", "ics")
# Microsoft Graph's scheduleItem.status values that block a slot (free and
# workingElsewhere do not).
GRAPH_BLOCKING = frozenset({"busy", "tentative", "oof"})


@dataclass(frozen=True)
class BusySource:
    """Where a worker's busy times come from, and how the last sync went.

    Attributes:
        kind: ``graph`` (``mailbox``), ``caldav`` (``url``, ``username``, ``secret_ref``:
            the name of the stored password, never the password) or ``ics`` (``url``).
        etag: the last ``ETag`` of an iCal link (``If-None-Match`` on the next read).
        weeks: the ISO weeks the last sync wrote busy cells to (what a later sync or a
            delete must clear).
    """

    worker_id: str
    kind: str
    url: str | None = None
    mailbox: str | None = None
    username: str | None = None
    secret_ref: str | None = None
    etag: str | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None
    busy_count: int = 0
    weeks: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        """What the API shows of the source: the host only, never the path or a token."""
        from urllib.parse import urlsplit

        if self.kind == "graph":
            return (self.mailbox or "").rpartition("@")[2]
        return urlsplit(self.url or "").hostname or ""


@dataclass(frozen=True)
class BusyCells:
    """Busy time laid on the grid: ``cells`` bucket -> (start second, end second) within
    the bucket; ``days`` wholly busy Helsinki days."""

    cells: dict[int, tuple[int, int]]
    days: frozenset[date]


def window(now: datetime, days: int = SYNC_DAYS) -> Interval:
    """The span a sync reads: from the start of today (Helsinki) for ``days`` days."""
    today = local(now).date()
    return Interval(at_local(today, 0), at_local(today + timedelta(days=days), 0))


def clipped(intervals: Iterable[Interval], span: Interval) -> list[Interval]:
    """The merged parts of ``intervals`` inside ``span``."""
    inside = (Interval(max(i.start, span.start), min(i.end, span.end))
              for i in intervals if i.overlaps(span))
    return merge(inside)


def to_cells(intervals: Iterable[Interval], rules: BookingRules) -> BusyCells:
    """Lay merged busy ``intervals`` on the grid (see the module docstring).

    Example:
        a busy 10:15-11:00 gives the 10:00 bucket (900, 1800) and the 10:30 bucket
        (0, 1800).
    """
    size = int(rules.grid.total_seconds())
    cells: dict[int, tuple[int, int]] = {}
    days: set[date] = set()
    for interval in merge(intervals):
        for day in _whole_days(interval):
            days.add(day)
        for bucket in lock_buckets(interval, rules):
            start = bucket_start(bucket, rules)
            if local(start).date() in days:
                continue
            first = max(0, int((interval.start - start).total_seconds()))
            last = min(size, int((interval.end - start).total_seconds()))
            known = cells.get(bucket)
            cells[bucket] = (min(first, known[0]), max(last, known[1])) if known else (first, last)
    return BusyCells(cells, frozenset(days))


def from_cells(cells: dict[int, tuple[int, int]], days: Iterable[date],
               rules: BookingRules) -> list[Interval]:
    """The busy intervals ``to_cells`` laid down, merged."""
    spans = [Interval(bucket_start(b, rules) + timedelta(seconds=s),
                      bucket_start(b, rules) + timedelta(seconds=e))
             for b, (s, e) in cells.items() if e > s]
    spans += [Interval(at_local(d, 0), at_local(d + timedelta(days=1), 0)) for d in days]
    return merge(spans)


def meeting_part(bucket: int, meeting: Interval, rules: BookingRules) -> tuple[int, int]:
    """The seconds of ``bucket`` a meeting covers, as (first, last) within the bucket:
    the booking transaction requires no busy cell to overlap them."""
    start = bucket_start(bucket, rules)
    size = int(rules.grid.total_seconds())
    first = max(0, int((meeting.start - start).total_seconds()))
    last = min(size, int((meeting.end - start).total_seconds()))
    return first, last


def _whole_days(interval: Interval) -> list[date]:
    """The Helsinki days ``interval`` covers from midnight to midnight."""
    day = local(interval.start).date()
    if at_local(day, 0) < interval.start:
        day += timedelta(days=1)
    found = []
    while at_local(day + timedelta(days=1), 0) <= interval.end:
        found.append(day)
        day += timedelta(days=1)
    return found


def graph_intervals(schedule: dict) -> list[Interval]:
    """Busy intervals of one ``scheduleInformation`` of Graph's ``getSchedule`` answer.

    ``scheduleItems`` carry ``status`` and ``start``/``end`` as ``dateTimeTimeZone``
    (``{"dateTime": "2027-03-29T09:00:00.0000000", "timeZone": "UTC"}``: the request asks
    for UTC with ``Prefer: outlook.timezone="UTC"``).
    """
    found = []
    for item in schedule.get("scheduleItems") or ():
        if str(item.get("status", "")).lower() not in GRAPH_BLOCKING:
            continue
        start, end = _graph_instant(item["start"]), _graph_instant(item["end"])
        if end > start:
            found.append(Interval(start, end))
    return merge(found)


def _graph_instant(value: dict) -> datetime:
    from zoneinfo import ZoneInfo

    text = value["dateTime"]
    naive = datetime.fromisoformat(text.partition(".")[0])  # Graph writes 7 fraction digits
    zone = value.get("timeZone") or "UTC"
    return naive.replace(tzinfo=ZoneInfo("UTC" if zone.upper() == "UTC" else zone))
