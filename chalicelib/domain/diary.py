"""What availability is computed from: workers' diaries, places, and the family's load.

These are the values the store loads for one case; ``availability`` turns them into free
slots and booking decisions. Everything here is pure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from chalicelib.domain.booking_rules import BookingRules, iso_week_key, local_day_key, lock_buckets
from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import local


@dataclass(frozen=True)
class Busy:
    """An existing appointment of a worker and the identity of its place.

    ``place`` is ``"office:<office id>"`` or ``"<kind>:<case id>"`` (e.g. ``"home:c17"``);
    equal strings mean the same place, so no travel buffer is needed between them.
    """

    interval: Interval
    place: str


@dataclass(frozen=True)
class WorkerDiary:
    """One worker's appointments, absences (poissaolot), opened extra hours, and the busy
    times read from their own calendar (``calendar_busy``: no place, so no travel buffer)."""

    worker_id: str
    busy: tuple[Busy, ...] = ()
    absences: tuple[Interval, ...] = ()
    extra_hours: tuple[Interval, ...] = ()
    calendar_busy: tuple[Interval, ...] = ()

    def scheduled_time(self, span: Interval, rules: BookingRules) -> list[Interval]:
        """Working time touching ``span``: office hours of working days plus extra hours.

        Absences are not removed here, so a caller can tell "not working" from "absent".
        """
        first = local(span.start).date()
        last = local(span.end).date()
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        hours = [window for window in map(rules.office_hours, days) if window is not None]
        return merge(hours + list(self.extra_hours))

    def blocked_for(self, place: str, rules: BookingRules) -> list[Interval]:
        """Time a meeting at ``place`` may not touch: appointments, plus travel buffer
        around those at a different place, and the worker's own calendar's busy times."""
        return merge([
            *(b.interval if b.place == place else b.interval.widened(rules.buffer)
              for b in self.busy),
            *self.calendar_busy,
        ])


@dataclass(frozen=True)
class PlaceOption:
    """A place the case may meet at.

    Attributes:
        location: the API value, ``"home"``/``"daycare"``/``"school"``/``"placement"`` or
            an office id.
        place: the place identity used for the travel buffer (see ``Busy.place``).
        rooms: meeting rooms at an office; None for a place that needs no room.
        booked: other appointments occupying a room there.
    """

    location: str
    place: str
    rooms: int | None = None
    booked: tuple[Interval, ...] = ()

    def room_load(self, rules: BookingRules) -> Counter[int]:
        """How many rooms are taken in each grid bucket."""
        return Counter(bucket for b in self.booked for bucket in lock_buckets(b, rules))

    def has_room(self, meeting: Interval, load: Counter[int], rules: BookingRules) -> bool:
        """True if a room is free in every bucket of ``meeting`` (``load``: room_load())."""
        if self.rooms is None:
            return True
        return all(load[bucket] < self.rooms for bucket in lock_buckets(meeting, rules))


@dataclass(frozen=True)
class FamilyLoad:
    """The case's weekly limit and its own non-cancelled appointments."""

    meetings_per_week: int
    booked: tuple[Interval, ...] = ()

    @cached_property
    def _days(self) -> frozenset[str]:
        return frozenset(local_day_key(b.start) for b in self.booked)

    @cached_property
    def _weeks(self) -> Counter[str]:
        return Counter(iso_week_key(b.start) for b in self.booked)

    def limit_broken(self, start: datetime) -> str | None:
        """``"daily_limit"`` or ``"weekly_limit"`` if a meeting at ``start`` breaks one."""
        if local_day_key(start) in self._days:
            return "daily_limit"
        if self._weeks[iso_week_key(start)] >= self.meetings_per_week:
            return "weekly_limit"
        return None


@dataclass(frozen=True)
class Slot:
    """A bookable start, its end, and the locations possible then (in the case's order)."""

    start: datetime
    end: datetime
    locations: tuple[str, ...]
