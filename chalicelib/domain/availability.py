"""Free meeting slots of a case and the validation of one requested booking.

``free_slots`` and ``check_booking`` apply the same rules (docs/domain.md §2): a grid start is
listed by the one exactly when the other accepts it for at least one location.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.diary import FamilyLoad, PlaceOption, Slot, WorkerDiary
from chalicelib.domain.errors import Conflict, Invalid, Rejected
from chalicelib.domain.intervals import Interval, covers, intersect, merge, subtract
from chalicelib.domain.workdays import at_local, holiday_name, local


def free_slots(
    diaries: Sequence[WorkerDiary],
    places: Sequence[PlaceOption],
    family: FamilyLoad,
    minutes: int,
    rules: BookingRules,
    first_day: date,
    days: int,
    now: datetime,
    *,
    staff: bool = False,
) -> list[Slot]:
    """Every bookable start in the local days [first_day, first_day + days).

    Args:
        diaries: the diaries of every worker of the case (all must be free).
        places: the case's locations, in the order the family should see them.
        family: the case's weekly limit and its own appointments.
        minutes: meeting length.
        rules: booking rules.
        first_day, days: the Helsinki dates to list.
        now: the current instant (notice and horizon count from it).
        staff: staff bookings have no notice and no horizon (but not the past).

    Returns:
        Slots sorted by start, times in Helsinki; ``locations`` lists the places possible
        at that start in the order of ``places``. Empty if nothing fits.
    """
    duration = _duration(minutes, diaries)
    listed = Interval(at_local(first_day, 0), at_local(first_day + timedelta(days=days), 0))
    earliest, latest = _booking_window(now, rules, staff)
    # A slot starting late on the last day may end on the next, so look one day further.
    span = Interval(listed.start, listed.end + timedelta(days=1))
    open_time = _common_open_time(diaries, span, rules)
    locations_at: dict[datetime, list[str]] = {}
    for place in places:
        blocked = merge(b for diary in diaries for b in diary.blocked_for(place.place, rules))
        load = place.room_load(rules)
        for start in _grid_starts(subtract(open_time, blocked), duration, rules):
            if not (listed.start <= start < listed.end and earliest <= start):
                continue
            if latest is not None and start > latest:
                continue
            if place.has_room(Interval(start, start + duration), load, rules):
                locations_at.setdefault(start, []).append(place.location)
    return [
        Slot(local(start), local(start + duration), tuple(locations))
        for start, locations in sorted(locations_at.items())
        if family.limit_broken(start) is None
    ]


def check_booking(
    diaries: Sequence[WorkerDiary],
    place: PlaceOption | None,
    family: FamilyLoad,
    start: datetime,
    minutes: int,
    rules: BookingRules,
    now: datetime,
    *,
    staff: bool = False,
) -> Interval:
    """Validate one requested booking and return its interval (Helsinki times).

    Checks run in the order that gives the family the most useful error: bad_location,
    off_grid, too_soon/too_far, holiday, outside_working_hours, worker_absent,
    daily_limit, weekly_limit, slot_taken.

    Raises:
        Rejected: a rule forbids the booking (``code`` says which), 422.
        Conflict: ``slot_taken``: a worker is busy (travel buffer included) or no room is
            free, 409.
    """
    if place is None:
        raise Rejected("this location is not one of the case's places", code="bad_location")
    duration = _duration(minutes, diaries)
    if not rules.on_grid(start):
        raise Rejected(f"meetings start on a {rules.grid_minutes}-minute grid", code="off_grid")
    meeting = Interval(local(start), local(start + duration))
    _check_booking_window(meeting.start, now, rules, staff)
    _check_working_time(diaries, meeting, rules)
    broken = family.limit_broken(meeting.start)
    if broken is not None:
        raise Rejected("the family's meeting limit is reached", code=broken)
    _check_free(diaries, place, meeting, rules)
    return meeting


def _duration(minutes: int, diaries: Sequence[WorkerDiary]) -> timedelta:
    if minutes <= 0:
        raise Invalid("a meeting needs a positive length", code="bad_minutes")
    if not diaries:
        raise Invalid("a meeting needs at least one worker", code="no_workers")
    return timedelta(minutes=minutes)


def _booking_window(
    now: datetime, rules: BookingRules, staff: bool
) -> tuple[datetime, datetime | None]:
    """Earliest and latest allowed start; staff have no notice and no horizon."""
    if staff:
        return now, None
    return now + rules.notice, now + rules.horizon


def _check_booking_window(start: datetime, now: datetime, rules: BookingRules, staff: bool):
    earliest, latest = _booking_window(now, rules, staff)
    if start < earliest:
        raise Rejected("this time is too soon to book", code="too_soon")
    if latest is not None and start > latest:
        raise Rejected("this time is too far ahead to book", code="too_far")


def _check_working_time(diaries: Sequence[WorkerDiary], meeting: Interval, rules: BookingRules):
    for diary in diaries:
        if not covers(diary.scheduled_time(meeting, rules), meeting):
            if holiday_name(meeting.start.date()) is not None:
                raise Rejected("this day is a holiday", code="holiday")
            raise Rejected("this time is outside working hours", code="outside_working_hours")
    for diary in diaries:
        if any(absence.overlaps(meeting) for absence in diary.absences):
            raise Rejected("a worker is away at this time", code="worker_absent")


def _check_free(
    diaries: Sequence[WorkerDiary], place: PlaceOption, meeting: Interval, rules: BookingRules
):
    for diary in diaries:
        if any(b.overlaps(meeting) for b in diary.blocked_for(place.place, rules)):
            raise Conflict("a worker is not free at this time", code="slot_taken")
    if not place.has_room(meeting, place.room_load(rules), rules):
        raise Conflict("no meeting room is free at this time", code="slot_taken")


def _common_open_time(
    diaries: Sequence[WorkerDiary], span: Interval, rules: BookingRules
) -> list[Interval]:
    """Time within ``span`` when every worker works and is not absent."""
    common = [span]
    for diary in diaries:
        working = subtract(diary.scheduled_time(span, rules), merge(diary.absences))
        common = intersect(common, working)
    return common


def _grid_starts(
    free: list[Interval], duration: timedelta, rules: BookingRules
) -> Iterator[datetime]:
    """Grid points where a meeting of ``duration`` fits inside one free interval."""
    for interval in free:
        start = rules.ceil_to_grid(interval.start)
        while start + duration <= interval.end:
            yield start
            start += rules.grid
