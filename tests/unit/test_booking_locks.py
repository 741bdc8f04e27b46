"""The lock layout's pure parts: off-hours buckets, one update per item, diaries from items."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.booking_rules import BookingRules, lock_buckets, off_hours_buckets
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local
from chalicelib.store.calendar import ItemChange, diary_from_items, family_load

RULES = BookingRules()
TUESDAY = date(2026, 12, 1)


def span(day, start, end):
    return Interval(at_local(day, *start), at_local(day, *end))


def test_a_daytime_meeting_has_no_off_hours_buckets():
    assert off_hours_buckets(span(TUESDAY, (10, 0), (11, 30)), RULES) == []


def test_an_evening_meeting_needs_only_the_buckets_after_eight_opened():
    meeting = span(TUESDAY, (19, 0), (20, 30))
    assert off_hours_buckets(meeting, RULES) == lock_buckets(meeting, RULES)[2:]


def test_every_bucket_of_a_weekend_or_holiday_meeting_is_off_hours():
    for day in (date(2026, 12, 5), date(2026, 12, 24)):  # a Saturday; jouluaatto
        meeting = span(day, (10, 0), (11, 30))
        assert off_hours_buckets(meeting, RULES) == lock_buckets(meeting, RULES)


def test_an_item_change_gathers_every_action_into_one_expression():
    change = ItemChange("CAL#w1", "2026-W49", "cal")
    change.op("b1", "SET", "home:k1|a1")
    change.op("b2", "REMOVE")
    change.op("n", "ADD", 1)
    change.require("attribute_not_exists({b})", {"b": "b1"})
    assert change.expression() == "SET #n0 = :v0 REMOVE #n1 ADD #n2 :v1"
    assert change.conditions == ["(attribute_not_exists(#n0))"]


def test_an_item_change_refuses_two_actions_on_one_attribute():
    change = ItemChange("CAL#w1", "2026-W49", "cal")
    change.op("b1", "REMOVE")
    with pytest.raises(ValueError):
        change.op("b1", "SET", "x")


@given(st.integers(min_value=0, max_value=20), st.integers(min_value=1, max_value=6))
def test_a_diary_read_back_from_lock_buckets_holds_the_same_meeting(offset, cells):
    start = at_local(TUESDAY, 7) + RULES.grid * offset
    meeting = Interval(start, start + RULES.grid * cells)
    item = {f"b{b}": "home:k1|a1" for b in lock_buckets(meeting, RULES)}
    diary = diary_from_items("w1", [item], RULES)
    assert [(b.interval, b.place) for b in diary.busy] == [(meeting, "home:k1")]
    assert diary_from_items("w1", [item], RULES, ignore="a1").busy == ()


def test_whole_day_and_partial_absences_and_opened_hours_become_intervals():
    evening = span(TUESDAY, (20, 0), (21, 0))
    item = {"A20261202": "abs-1", **{f"o{b}": "ext-1" for b in lock_buckets(evening, RULES)},
            **{f"a{b}": "abs-2" for b in lock_buckets(span(TUESDAY, (9, 0), (10, 0)), RULES)}}
    diary = diary_from_items("w1", [item], RULES)
    assert diary.extra_hours == (evening,)
    assert diary.absences == (span(TUESDAY, (9, 0), (10, 0)),
                              Interval(at_local(date(2026, 12, 2), 0),
                                       at_local(date(2026, 12, 3), 0)))


def test_the_family_load_counts_entries_except_the_ignored_one():
    entries = {"2026-12-01T08:00:00+00:00|2026-12-01T09:30:00+00:00|a1",
               "2026-12-01T12:00:00+00:00|2026-12-01T13:30:00+00:00|a2"}
    load = family_load(2, [{"n": 2, "d20261201": entries}], ignore="a2")
    assert len(load.booked) == 1
    assert load.limit_broken(at_local(TUESDAY, 14)) == "daily_limit"
