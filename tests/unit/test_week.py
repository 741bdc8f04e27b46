"""Calendar weeks and a worker's day in the team grid (``domain.week``), DST weeks included."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.diary import Busy, WorkerDiary
from chalicelib.domain.errors import Rejected
from chalicelib.domain.intervals import Interval
from chalicelib.domain.week import day_loads, day_span, monday_of, week_label
from chalicelib.domain.workdays import at_local

TODAY = date(2026, 12, 2)  # a Wednesday


def one_day(diary, day):
    return day_loads(diary, [day])[0]


def test_no_week_asked_is_this_weeks_monday():
    assert monday_of(None, TODAY) == date(2026, 11, 30)


def test_an_iso_week_and_any_date_in_it_name_the_same_monday():
    assert monday_of("2026-W49", TODAY) == monday_of("2026-12-06", TODAY) == date(2026, 11, 30)
    assert monday_of("2027-W01", TODAY) == date(2027, 1, 4)  # ISO years start on a Monday


@pytest.mark.parametrize("asked", ["2026-W54", "1999-12-01", "2100-W01", "tomorrow", "2026-13-01"])
def test_a_week_that_is_not_one_is_refused_naming_the_field(asked):
    with pytest.raises(Rejected) as refused:
        monday_of(asked, TODAY)
    assert refused.value.field == "week"


@given(st.dates(date(2000, 1, 3), date(2099, 12, 28)))
def test_every_day_lies_in_the_week_its_label_names(day):
    monday = monday_of(day.isoformat(), TODAY)
    assert monday.weekday() == 0 and monday <= day < monday + timedelta(days=7)
    assert monday_of(week_label(monday), TODAY) == monday


def hours(span: Interval) -> float:
    return (span.end.astimezone(UTC) - span.start.astimezone(UTC)) / timedelta(hours=1)


def test_the_dst_days_are_23_and_25_hours_long_and_a_night_meeting_counts_its_real_length():
    assert hours(day_span(date(2026, 3, 29))) == 23 and hours(day_span(date(2026, 10, 25))) == 25
    night = date(2026, 10, 25)  # 04.00 comes twice: 02.00–05.00 on the wall is four hours
    crisis = Busy(Interval(at_local(night, 2), at_local(night, 5)), "home:c1")
    assert one_day(WorkerDiary("w", busy=(crisis,)), night).booked_minutes == 240


def test_a_days_load_counts_booked_minutes_once_and_tells_whole_from_part_absence():
    day = date(2026, 12, 1)
    meeting = Interval(at_local(day, 9), at_local(day, 10, 30))
    diary = WorkerDiary("w", busy=(Busy(meeting, "home:c1"), Busy(meeting, "home:c1"),
                                   Busy(Interval(at_local(day, 23),
                                                 at_local(day + timedelta(days=1), 1)), "x")),
                        absences=(Interval(at_local(day, 13), at_local(day, 14)),))
    load = one_day(diary, day)
    assert (load.booked_minutes, load.absent, load.whole_day_absent) == (150, True, False)
    away = WorkerDiary("w", absences=(Interval(at_local(day, 0),
                                               at_local(day + timedelta(days=2), 0)),))
    assert one_day(away, day).whole_day_absent and not one_day(away, day + timedelta(2)).absent
