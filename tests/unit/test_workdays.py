from datetime import date, timedelta

from chalicelib.domain.workdays import at_local, is_working_day, next_working_day


def test_midsummer_eve_and_christmas_eve_are_days_off():
    assert not is_working_day(date(2026, 6, 19))
    assert not is_working_day(date(2026, 12, 24))


def test_an_ordinary_tuesday_is_a_working_day():
    assert is_working_day(date(2026, 12, 1))


def test_next_working_day_skips_christmas_and_the_weekend():
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_at_local_keeps_wall_clock_across_dst():
    before = at_local(date(2026, 10, 23), 9)
    after = at_local(date(2026, 10, 26), 9)
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() == timedelta(hours=3) and after.utcoffset() == timedelta(hours=2)


def test_at_local_moves_a_spring_gap_time_forward():
    assert at_local(date(2026, 3, 29), 3, 30).hour == 4
