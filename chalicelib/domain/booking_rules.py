"""Booking rules: the slot grid, working hours, travel buffer, notice, and the lock buckets.

The grid is counted from the Unix epoch. Helsinki's offsets (+02:00, +03:00) are whole
hours, so with a grid that divides an hour the epoch grid and the wall-clock grid are the
same: 07:00 local is a grid point in winter and in summer alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.errors import Invalid
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local, is_working_day, local

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BookingRules:
    """The tunable rules of booking; the defaults are the service's policy.

    Attributes:
        grid_minutes: meetings start on this wall-clock grid; must divide 60.
        day_start_hour: first hour of ordinary working time on a working day.
        day_end_hour: a meeting must end by this hour unless a worker opened extra hours.
        buffer_minutes: travel time between appointments at different places; rounded
            up to the grid so that the bucket locks of the store agree with the rule.
        notice: how long before its start a family may book a meeting.
        horizon: how far ahead of now a family may book.
    """

    grid_minutes: int = 30
    day_start_hour: int = 7
    day_end_hour: int = 20
    buffer_minutes: int = 30
    notice: timedelta = timedelta(hours=24)
    horizon: timedelta = timedelta(days=28)

    def __post_init__(self) -> None:
        if self.grid_minutes <= 0 or 60 % self.grid_minutes:
            raise Invalid("grid_minutes must divide an hour", code="bad_rules")
        if not 0 <= self.day_start_hour < self.day_end_hour <= 24:
            raise Invalid("working hours must lie within one day", code="bad_rules")
        if self.buffer_minutes < 0:
            raise Invalid("buffer_minutes cannot be negative", code="bad_rules")

    @property
    def grid(self) -> timedelta:
        """One grid cell."""
        return timedelta(minutes=self.grid_minutes)

    @property
    def buffer_cells(self) -> int:
        """The travel buffer in whole grid cells (rounded up)."""
        return -(-self.buffer_minutes // self.grid_minutes)

    @property
    def buffer(self) -> timedelta:
        """The travel buffer actually enforced: ``buffer_minutes`` rounded up to the grid."""
        return self.grid * self.buffer_cells

    def on_grid(self, instant: datetime) -> bool:
        """True if ``instant`` is a grid point of the Helsinki wall clock."""
        return (instant - EPOCH) % self.grid == timedelta(0)

    def ceil_to_grid(self, instant: datetime) -> datetime:
        """The first grid point at or after ``instant`` (in UTC)."""
        return instant.astimezone(UTC) + (-(instant - EPOCH)) % self.grid

    def office_hours(self, day: date) -> Interval | None:
        """Ordinary working time on a local ``day``, or None on weekends and holidays."""
        if not is_working_day(day):
            return None
        return Interval(at_local(day, self.day_start_hour), at_local(day, self.day_end_hour))


def _bucket_span(interval: Interval, rules: BookingRules) -> tuple[int, int]:
    """First bucket touched and the bucket after the last one (floor start, ceil end)."""
    first = (interval.start - EPOCH) // rules.grid
    after_last = -((EPOCH - interval.end) // rules.grid)
    return first, after_last


def lock_buckets(interval: Interval, rules: BookingRules) -> list[int]:
    """Grid bucket numbers the interval occupies; the store uses them as lock keys.

    A bucket is ``epoch_seconds // (grid_minutes * 60)``. For meetings that start on the
    grid, two meetings overlap exactly when their lock buckets intersect.
    """
    first, after_last = _bucket_span(interval, rules)
    return list(range(first, after_last))


def buffer_buckets(interval: Interval, rules: BookingRules) -> list[int]:
    """The buckets just before and after the interval that the travel buffer covers.

    Each must be free, or held by an appointment at the SAME place. For meetings that
    start on the grid, "gap to another meeting at a different place < buffer" holds
    exactly when these intersect the other meeting's ``lock_buckets``.
    """
    first, after_last = _bucket_span(interval, rules)
    cells = rules.buffer_cells
    return list(range(first - cells, first)) + list(range(after_last, after_last + cells))


def local_day_key(instant: datetime) -> str:
    """The Helsinki date of ``instant``, e.g. ``"2026-12-01"`` (daily limit key)."""
    return local(instant).date().isoformat()


def iso_week_key(instant: datetime) -> str:
    """The ISO week of the Helsinki date of ``instant``, e.g. ``"2026-W49"`` (weekly limit)."""
    year, week, _ = local(instant).date().isocalendar()
    return f"{year}-W{week:02d}"


def bucket_start(bucket: int, rules: BookingRules) -> datetime:
    """The instant a grid bucket begins (UTC); the inverse of the bucket numbering."""
    return EPOCH + bucket * rules.grid


def off_hours_buckets(interval: Interval, rules: BookingRules) -> list[int]:
    """Lock buckets of ``interval`` outside ordinary office hours (evening, weekend,
    holiday): a meeting may use them only where every worker opened extra hours."""
    outside = []
    for bucket in lock_buckets(interval, rules):
        cell = Interval(bucket_start(bucket, rules), bucket_start(bucket + 1, rules))
        hours = rules.office_hours(local(cell.start).date())
        if hours is None or not hours.contains(cell):
            outside.append(bucket)
    return outside
