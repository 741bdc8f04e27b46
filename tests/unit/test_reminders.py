"""Reminder times: hours before on the wall clock, quiet hours 21–08, DST nights."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.reminders import (
    due_reminder,
    in_quiet_hours,
    next_reminder,
    reminder_times,
)
from chalicelib.domain.workdays import HELSINKI


def hki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def test_a_24_hour_reminder_for_an_0830_meeting_comes_at_0830_the_day_before():
    assert reminder_times(hki(2026, 12, 2, 8, 30), [24]) == (hki(2026, 12, 1, 8, 30),)


def test_a_24_hour_reminder_for_an_0730_meeting_waits_for_0800_the_day_before():
    assert reminder_times(hki(2026, 12, 2, 7, 30), [24]) == (hki(2026, 12, 1, 8, 0),)


def test_a_reminder_whose_morning_is_too_late_goes_out_at_2045_the_evening_before():
    # 1 h before an 08:00 meeting is 07:00: 08:00 would be no reminder at all.
    assert reminder_times(hki(2026, 12, 2, 8, 0), [1]) == (hki(2026, 12, 1, 20, 45),)


def test_a_late_evening_reminder_moves_back_to_2045_the_same_evening():
    assert reminder_times(hki(2026, 12, 2, 23, 30), [1.5]) == (hki(2026, 12, 2, 20, 45),)


def test_reminders_outside_quiet_hours_are_kept_and_sorted_without_duplicates():
    meeting = hki(2026, 12, 2, 9, 0)
    assert reminder_times(meeting, [2, 48, 24, 25.5]) == (
        hki(2026, 11, 30, 9, 0), hki(2026, 12, 1, 8, 0), hki(2026, 12, 1, 9, 0),
        hki(2026, 12, 2, 8, 0))
    # 2 h (07:00) and 25.5 h (07:30 the day before) both wait for an 08:00 morning.
    assert reminder_times(meeting, [1.5, 2]) == (hki(2026, 12, 2, 8, 0),)


def test_on_the_spring_dst_night_24_hours_means_the_same_clock_time_the_day_before():
    # Sunday 2026-03-29 clocks go 03:00 -> 04:00: the day before is 23 real hours away.
    times = reminder_times(hki(2026, 3, 29, 9, 0), [24, 6])
    assert times == (hki(2026, 3, 28, 9, 0), hki(2026, 3, 29, 8, 0))
    assert [t.astimezone(UTC).hour for t in times] == [7, 5]


def test_on_the_autumn_dst_night_a_reminder_in_the_repeated_hour_waits_for_0800():
    # Sunday 2026-10-25 clocks go 04:00 -> 03:00; 5 h before 08:30 is 03:30 (twice).
    times = reminder_times(hki(2026, 10, 25, 8, 30), [5, 24])
    assert times == (hki(2026, 10, 24, 8, 30), hki(2026, 10, 25, 8, 0))
    assert times[1].astimezone(UTC) == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
    monday = reminder_times(hki(2026, 10, 26, 9, 0), [24])[0]
    assert monday.astimezone(UTC) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)


def test_a_late_booking_gets_no_reminder_that_is_already_past():
    meeting = hki(2026, 12, 2, 9, 0)
    assert next_reminder(meeting, [24], now=hki(2026, 12, 1, 12, 0)) is None
    assert next_reminder(meeting, [24, 2], now=hki(2026, 12, 1, 12, 0)) == 1


def test_after_an_outage_only_the_latest_due_reminder_is_sent_and_none_after_the_start():
    meeting = hki(2026, 12, 2, 12, 0)  # reminders: 30.11. 12:00, 1.12. 12:00, 2.12. 10:00
    assert due_reminder(meeting, [48, 24, 2], hki(2026, 12, 1, 13, 0), index=0) == 1
    assert next_reminder(meeting, [48, 24, 2], hki(2026, 12, 1, 13, 0), after=1) == 2
    assert due_reminder(meeting, [48, 24, 2], hki(2026, 12, 2, 12, 1), index=2) is None


meetings = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1)).map(
    lambda naive: naive.replace(second=0, microsecond=0, tzinfo=HELSINKI))
hours = st.lists(st.floats(min_value=0.25, max_value=96).map(lambda h: round(h * 4) / 4),
                 min_size=1, max_size=4)


@given(meetings, hours)
def test_every_reminder_is_before_the_meeting_and_outside_quiet_hours(meeting, hours):
    times = reminder_times(meeting, hours)
    assert list(times) == sorted(set(times))
    for at in times:
        assert at < meeting
        assert not in_quiet_hours(at)
        assert meeting - at <= timedelta(hours=max(hours) + 12)


def test_workers_reminders_keep_the_hours_asked_even_at_night():
    meeting = hki(2026, 12, 2, 8, 0)
    assert reminder_times(meeting, [1, 12], quiet=False) == (
        hki(2026, 12, 1, 20, 0), hki(2026, 12, 2, 7, 0))
    assert next_reminder(meeting, [1], hki(2026, 12, 1, 12, 0), quiet=False) == 0
    assert due_reminder(meeting, [1], hki(2026, 12, 2, 7, 0), index=0, quiet=False) == 0


def test_a_workers_reminder_on_the_autumn_dst_night_is_the_same_clock_time():
    # 2026-10-25 04:00 -> 03:00: 1 h before 04:30 on the wall clock is 03:30.
    [at] = reminder_times(hki(2026, 10, 25, 4, 30), [1], quiet=False)
    assert (at.hour, at.minute) == (3, 30) and at < hki(2026, 10, 25, 4, 30)


def test_a_workers_reminder_in_the_skipped_spring_hour_comes_when_the_clock_resumes():
    # 2026-03-29 03:00 -> 04:00: 2 h before 05:30 would be 03:30, which never happens.
    assert reminder_times(hki(2026, 3, 29, 5, 30), [2], quiet=False) == (
        hki(2026, 3, 29, 4, 30),)


@given(meetings, hours)
def test_workers_reminders_are_the_wall_clock_hours_before_without_moving(meeting, hours):
    times = reminder_times(meeting, hours, quiet=False)
    assert list(times) == sorted(set(times))
    assert all(at < meeting for at in times)
    assert len(times) <= len(set(hours))
    for at in times:  # the wall-clock hours; a DST change moves real time by one hour
        assert any(abs(meeting - at - timedelta(hours=h)) <= timedelta(hours=1) for h in hours)
