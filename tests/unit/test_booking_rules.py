"""The bucket locks the store relies on agree with the interval rules of the domain."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.availability import check_booking
from chalicelib.domain.booking_rules import (
    BookingRules,
    buffer_buckets,
    iso_week_key,
    local_day_key,
    lock_buckets,
)
from chalicelib.domain.diary import Busy, FamilyLoad, PlaceOption, WorkerDiary
from chalicelib.domain.errors import Conflict, Invalid
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local

RULES = BookingRules()
ORIGIN = at_local(date(2026, 12, 1), 8)  # a Tuesday
PLACES = ["office:kallio", "home:c1", "home:c2"]


def meeting(cell: int, minutes: int) -> Interval:
    start = ORIGIN + cell * RULES.grid
    return Interval(start, start + timedelta(minutes=minutes))


meetings = st.builds(meeting, st.integers(0, 20), st.integers(1, 240))


def test_buckets_count_thirty_minute_cells_from_the_epoch():
    start = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    cell = int(start.timestamp()) // 1800
    assert lock_buckets(Interval(start, start + timedelta(minutes=90)), RULES) == [
        cell,
        cell + 1,
        cell + 2,
    ]


def test_an_off_grid_end_occupies_the_cell_it_touches():
    start = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    cell = int(start.timestamp()) // 1800
    assert lock_buckets(Interval(start, start + timedelta(minutes=100)), RULES) == [
        cell,
        cell + 1,
        cell + 2,
        cell + 3,
    ]


def test_buffer_buckets_are_the_cells_either_side():
    interval = meeting(0, 90)
    first, *_, last = lock_buckets(interval, RULES)
    assert buffer_buckets(interval, RULES) == [first - 1, last + 1]
    wide = BookingRules(buffer_minutes=45)
    assert buffer_buckets(interval, wide) == [first - 2, first - 1, last + 1, last + 2]


def test_a_grid_that_does_not_divide_an_hour_is_refused():
    with pytest.raises(Invalid):
        BookingRules(grid_minutes=45)


def test_week_and_day_keys_use_the_helsinki_date():
    late_evening = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 01:30 on 1 December in Helsinki
    assert local_day_key(late_evening) == "2026-12-01"
    assert iso_week_key(late_evening) == "2026-W49"
    assert iso_week_key(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "2026-W53"


@given(meetings, meetings)
def test_two_meetings_overlap_exactly_when_their_lock_buckets_intersect(a, b):
    assert a.overlaps(b) == bool(set(lock_buckets(a, RULES)) & set(lock_buckets(b, RULES)))


@given(meetings, meetings, st.sampled_from([0, 20, 30, 60]))
def test_a_gap_shorter_than_the_buffer_is_exactly_a_buffer_bucket_clash(a, b, buffer_minutes):
    rules = BookingRules(buffer_minutes=buffer_minutes)
    if a.overlaps(b):
        return
    gap = max(b.start - a.end, a.start - b.end)
    clash = bool(set(buffer_buckets(a, rules)) & set(lock_buckets(b, rules)))
    assert (gap < rules.buffer) == clash


def bucket_lock_refuses(new: Interval, place: str, busy: list[Busy], option: PlaceOption) -> bool:
    """The store's model: lock cells must be free, buffer cells free or at the same place,
    and every lock cell must have a room left."""
    new_cells = set(lock_buckets(new, RULES))
    guard = set(buffer_buckets(new, RULES))
    for b in busy:
        cells = set(lock_buckets(b.interval, RULES))
        if cells & new_cells or (b.place != place and cells & guard):
            return True
    if option.rooms is None:
        return False
    return any(
        sum(cell in lock_buckets(other, RULES) for other in option.booked) >= option.rooms
        for cell in new_cells
    )


@given(
    busy=st.lists(st.builds(Busy, meetings, st.sampled_from(PLACES)), max_size=5),
    booked=st.lists(meetings, max_size=4),
    rooms=st.sampled_from([None, 1, 2]),
    place=st.sampled_from(PLACES),
    new=meetings,
)
def test_check_booking_and_the_bucket_lock_agree_on_slot_taken(busy, booked, rooms, place, new):
    day = Interval(at_local(date(2026, 12, 1), 0), at_local(date(2026, 12, 2), 0))
    diary = WorkerDiary("w1", busy=tuple(busy), extra_hours=(day,))
    option = PlaceOption("x", place, rooms, tuple(booked))
    minutes = int((new.end - new.start) / timedelta(minutes=1))
    now = ORIGIN - timedelta(days=2)
    try:
        check_booking([diary], option, FamilyLoad(7), new.start, minutes, RULES, now)
        refused = False
    except Conflict as error:
        assert error.code == "slot_taken"
        refused = True
    assert refused == bucket_lock_refuses(new, place, busy, option)
