"""Busy times laid on the grid and read back (domain.busy_times), and Graph's statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.booking_rules import BookingRules, lock_buckets
from chalicelib.domain.busy_times import from_cells, graph_intervals, meeting_part, to_cells
from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import at_local

RULES = BookingRules()
BASE = at_local(date(2027, 3, 22), 0).astimezone(UTC)  # UTC steps: no wall-clock gaps


def test_a_hearing_from_10_15_keeps_the_first_quarter_of_its_half_hour_free():
    hearing = Interval(at_local(date(2027, 3, 31), 10, 15), at_local(date(2027, 3, 31), 11))
    laid = to_cells([hearing], RULES)
    assert sorted(laid.cells.values()) == [(0, 1800), (900, 1800)]
    assert from_cells(laid.cells, laid.days, RULES) == [hearing]


def test_an_all_day_event_is_one_day_entry_across_the_dst_change():
    training = Interval(at_local(date(2027, 3, 27), 0), at_local(date(2027, 3, 29), 0))
    laid = to_cells([training], RULES)
    assert laid.cells == {} and laid.days == {date(2027, 3, 27), date(2027, 3, 28)}
    assert from_cells(laid.cells, laid.days, RULES) == [training]


def test_a_meeting_ending_inside_a_bucket_covers_only_its_part():
    meeting = Interval(at_local(date(2027, 3, 31), 8, 30), at_local(date(2027, 3, 31), 10, 10))
    last = lock_buckets(meeting, RULES)[-1]
    assert meeting_part(last, meeting, RULES) == (0, 600)


def test_graph_blocks_busy_tentative_and_oof_but_not_free_or_working_elsewhere():
    def item(status, hour):
        return {"status": status,
                "start": {"dateTime": f"2027-03-24T{hour:02d}:00:00.0000000", "timeZone": "UTC"},
                "end": {"dateTime": f"2027-03-24T{hour:02d}:30:00.0000000", "timeZone": "UTC"}}

    found = graph_intervals({"scheduleItems": [item(s, h) for s, h in (
        ("busy", 6), ("tentative", 7), ("oof", 8), ("free", 9), ("workingElsewhere", 10),
        ("unknown", 11))]})
    assert [i.start.astimezone(UTC).hour for i in found] == [6, 7, 8]


spans = st.lists(st.tuples(st.integers(0, 14 * 24 * 60), st.integers(1, 3 * 24 * 60)),
                 max_size=8)


@given(spans)
def test_cells_read_back_cover_the_busy_time_and_stay_within_its_buckets(raw):
    busy = merge(Interval(BASE + timedelta(minutes=s), BASE + timedelta(minutes=s + n))
                 for s, n in raw)
    laid = to_cells(busy, RULES)
    back = from_cells(laid.cells, laid.days, RULES)
    for interval in busy:  # nothing busy is lost
        assert any(b.contains(interval) for b in back)
    grid = {bucket for interval in busy for bucket in lock_buckets(interval, RULES)}
    for interval in back:  # nothing outside the busy buckets is added
        assert set(lock_buckets(interval, RULES)) <= grid


@given(spans)
def test_busy_time_on_whole_buckets_reads_back_exactly(raw):
    busy = merge(Interval(BASE + timedelta(minutes=30 * (s // 30)),
                          BASE + timedelta(minutes=30 * (s // 30 + 1 + n // 30)))
                 for s, n in raw)
    laid = to_cells(busy, RULES)
    assert from_cells(laid.cells, laid.days, RULES) == busy


@settings(deadline=None, max_examples=60)  # the first example loads the holiday calendar
@given(st.lists(st.tuples(st.integers(0, 5 * 24 * 12), st.integers(1, 36)), max_size=6),
       st.sampled_from([90, 100, 120]))
def test_no_slot_overlaps_a_calendar_busy_time_and_each_free_start_is_bookable(raw, minutes):
    from chalicelib.domain.availability import check_booking, free_slots
    from chalicelib.domain.diary import FamilyLoad, PlaceOption
    from chalicelib.domain.diary import WorkerDiary as Diary

    first_day = date(2026, 10, 23)  # a Friday; the clocks go back on Sunday 25 October
    start = at_local(first_day, 0).astimezone(UTC)
    busy = merge(Interval(start + timedelta(minutes=5 * s), start + timedelta(minutes=5 * (s + n)))
                 for s, n in raw)
    laid = to_cells(busy, RULES)
    diaries = [Diary("w1", calendar_busy=tuple(from_cells(laid.cells, laid.days, RULES))),
               Diary("w2")]
    home = PlaceOption("home", "home:c1")
    family = FamilyLoad(10)
    now = at_local(date(2026, 10, 20), 8)
    slots = free_slots(diaries, [home], family, minutes, RULES, first_day, 5, now, staff=True)
    assert slots or busy  # three working days: only busy time can leave no slot
    for slot in slots:
        meeting = Interval(slot.start, slot.end)
        assert not any(meeting.overlaps(b) for b in busy)
        check_booking(diaries, home, family, slot.start, minutes, RULES, now, staff=True)
