"""Half-open time intervals [start, end) of aware instants and the set algebra on them.

Lists of intervals handled here are "merged": sorted, and no two of them overlap or touch,
so "contained in the union" is the same as "contained in one of them".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import Invalid


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open span of time [start, end) between two aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise Invalid("an interval needs aware datetimes", code="bad_interval")
        if self.end <= self.start:
            raise Invalid("an interval must end after it starts", code="bad_interval")

    def overlaps(self, other: Interval) -> bool:
        """True if the two spans share any instant (touching ends do not overlap)."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        """True if ``other`` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def widened(self, margin: timedelta) -> Interval:
        """The span grown by ``margin`` on both sides (e.g. a travel buffer)."""
        return Interval(self.start - margin, self.end + margin)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as a merged list (overlapping or touching spans joined).

    >>> from datetime import UTC
    >>> a = Interval(datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC))
    >>> b = Interval(datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 10, tzinfo=UTC))
    >>> merge([b, a]) == [Interval(a.start, b.end)]
    True
    """
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def intersect(left: list[Interval], right: list[Interval]) -> list[Interval]:
    """The instants in both merged lists, as a merged list."""
    common: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            common.append(Interval(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return common


def subtract(base: list[Interval], removed: list[Interval]) -> list[Interval]:
    """The instants of merged ``base`` not in merged ``removed``, as a merged list."""
    remaining: list[Interval] = []
    j = 0
    for interval in base:
        cursor = interval.start
        while j < len(removed) and removed[j].end <= cursor:
            j += 1
        k = j
        while k < len(removed) and removed[k].start < interval.end:
            if removed[k].start > cursor:
                remaining.append(Interval(cursor, removed[k].start))
            cursor = max(cursor, removed[k].end)
            k += 1
        if cursor < interval.end:
            remaining.append(Interval(cursor, interval.end))
    return remaining


def covers(merged: list[Interval], target: Interval) -> bool:
    """True if ``target`` lies wholly inside the union of the merged list."""
    return any(interval.contains(target) for interval in merged)
