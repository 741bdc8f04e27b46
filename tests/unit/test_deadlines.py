"""Deadline arithmetic per laki säädettyjen määräaikain laskemisesta (150/1930)."""

import doctest
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import deadlines
from chalicelib.domain.deadlines import (
    add_months,
    deadline_after_days,
    deadline_after_months,
    deadline_after_working_days,
    overdue_date,
    reminder_dates,
)
from chalicelib.domain.workdays import is_working_day

D = date.fromisoformat
openings = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))


@pytest.mark.parametrize(
    ("opening", "days", "deadline", "why"),
    [
        ("2026-11-02", 1, "2026-11-03", "the opening day is not counted"),
        ("2026-11-10", 14, "2026-11-24", "an ordinary Tuesday stays"),
        ("2026-11-10", 0, "2026-11-10", "zero days on a working day is that day"),
        ("2026-03-20", 14, "2026-04-07", "pitkäperjantai 2026 moves past the Easter weekend"),
        ("2027-03-12", 14, "2027-03-30", "pitkäperjantai 2027 moves past 2. pääsiäispäivä"),
        ("2026-04-17", 14, "2026-05-04", "vappu on a Friday"),
        ("2026-04-30", 14, "2026-05-15", "helatorstai"),
        ("2026-06-05", 14, "2026-06-22", "juhannusaatto is a day off"),
        ("2026-12-10", 14, "2026-12-28", "jouluaatto, joulupäivä, tapaninpäivä and a Sunday"),
        ("2026-12-18", 14, "2027-01-04", "a Friday before Christmas lands on New Year's Day"),
        ("2026-12-23", 14, "2027-01-07", "loppiainen"),
        ("2027-11-22", 14, "2027-12-07", "itsenäisyyspäivä on a Monday"),
        ("2026-11-07", 7, "2026-11-16", "a week from a Saturday moves to Monday"),
    ],
)
def test_a_deadline_in_days_skips_weekends_and_holidays(opening, days, deadline, why):
    assert deadline_after_days(D(opening), days) == D(deadline), why


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-08-31", 1, "2026-09-30"),
        ("2026-10-31", 4, "2027-02-28"),
        ("2027-10-31", 4, "2028-02-29"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-15", 0, "2026-01-15"),
    ],
)
def test_months_add_by_the_calendar_and_clamp_to_the_month_end(day, months, expected):
    assert add_months(D(day), months) == D(expected)


@pytest.mark.parametrize(
    ("opening", "months", "deadline", "why"),
    [
        ("2027-01-31", 1, "2027-03-01", "28 February 2027 is a Sunday"),
        ("2028-01-31", 1, "2028-02-29", "leap day 2028 is a Tuesday"),
        ("2027-11-30", 3, "2028-02-29", "three months into a leap February"),
        ("2026-09-24", 3, "2026-12-28", "jouluaatto"),
        ("2026-03-19", 3, "2026-06-22", "juhannusaatto"),
        ("2026-11-26", 4, "2027-03-30", "pitkäperjantai and 2. pääsiäispäivä 2027"),
        ("2026-09-01", 4, "2027-01-04", "uudenvuodenpäivä on a Friday"),
        ("2026-12-18", 12, "2027-12-20", "a year from the Friday before Christmas is a Saturday"),
    ],
)
def test_a_deadline_in_months_ends_on_the_same_day_number_then_moves(opening, months, deadline, why):
    assert deadline_after_months(D(opening), months) == D(deadline), why


@pytest.mark.parametrize(
    ("opening", "working_days", "deadline"),
    [
        ("2026-12-18", 7, "2026-12-31"),  # 24.–27.12. are not counted
        ("2026-12-18", 8, "2027-01-04"),
        ("2026-03-30", 7, "2026-04-10"),  # Easter 2026
        ("2026-06-17", 7, "2026-06-29"),  # juhannusaatto
        ("2026-11-06", 7, "2026-11-17"),
        ("2026-11-07", 1, "2026-11-09"),  # opened on a Saturday
    ],
)
def test_the_nth_working_day_counts_only_working_days(opening, working_days, deadline):
    assert deadline_after_working_days(D(opening), working_days) == D(deadline)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-11-24", ["2026-11-10", "2026-11-20"]),  # 3 days before is a Saturday
        ("2027-01-07", ["2026-12-23", "2027-01-04"]),  # 14 days before is jouluaatto
    ],
)
def test_reminders_on_a_day_off_come_the_working_day_before(due, expected):
    assert reminder_dates(D(due)) == [D(day) for day in expected]


def test_two_reminders_on_the_same_day_are_sent_once():
    assert reminder_dates(D("2026-11-23"), days_before=(2, 3)) == [D("2026-11-20")]


@pytest.mark.parametrize(
    ("due", "overdue"),
    [("2026-11-24", "2026-11-25"), ("2026-12-23", "2026-12-28"), ("2026-06-18", "2026-06-22")],
)
def test_a_missed_deadline_is_overdue_on_the_next_working_day(due, overdue):
    assert overdue_date(D(due)) == D(overdue)


def test_a_negative_period_is_refused():
    with pytest.raises(ValueError):
        deadline_after_days(D("2026-11-10"), -1)


@given(openings, st.integers(min_value=0, max_value=400))
def test_a_deadline_in_days_is_the_first_working_day_on_or_after_the_raw_date(opening, days):
    raw = opening + timedelta(days=days)
    deadline = deadline_after_days(opening, days)
    assert is_working_day(deadline)
    assert deadline >= raw
    assert not any(is_working_day(raw + timedelta(days=i)) for i in range((deadline - raw).days))


@given(openings, st.integers(min_value=0, max_value=60))
def test_a_deadline_in_months_is_a_working_day_not_before_the_calendar_date(opening, months):
    deadline = deadline_after_months(opening, months)
    assert is_working_day(deadline)
    assert deadline >= add_months(opening, months)
    assert (deadline - add_months(opening, months)).days < 7


@given(openings, st.integers(min_value=1, max_value=60))
def test_the_nth_working_day_has_exactly_n_working_days_after_the_opening(opening, n):
    deadline = deadline_after_working_days(opening, n)
    span = [opening + timedelta(days=i) for i in range(1, (deadline - opening).days + 1)]
    assert is_working_day(deadline)
    assert sum(map(is_working_day, span)) == n


@given(openings, st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=4))
def test_reminders_are_working_days_no_later_than_asked(due, days_before):
    reminders = reminder_dates(due, days_before)
    assert all(is_working_day(day) for day in reminders)
    assert reminders == sorted(set(reminders))
    assert max(reminders) <= due - timedelta(days=min(days_before))


@given(openings)
def test_overdue_is_a_working_day_after_the_due_date(due):
    assert overdue_date(due) > due and is_working_day(overdue_date(due))


def test_the_docstring_examples_hold():
    assert doctest.testmod(deadlines).failed == 0
