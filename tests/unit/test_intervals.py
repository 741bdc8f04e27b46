from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Invalid
from chalicelib.domain.intervals import Interval, covers, intersect, merge, subtract

ORIGIN = datetime(2026, 12, 1, tzinfo=UTC)


def span(start_minute: int, end_minute: int) -> Interval:
    return Interval(
        ORIGIN + timedelta(minutes=start_minute), ORIGIN + timedelta(minutes=end_minute)
    )


spans = st.lists(
    st.tuples(st.integers(0, 100), st.integers(1, 30)).map(lambda t: span(t[0], t[0] + t[1])),
    max_size=8,
)


def minutes_in(intervals: list[Interval]) -> set[int]:
    """Brute-force oracle: the set of whole minutes the intervals cover."""
    return {
        m
        for i in intervals
        for m in range(
            int((i.start - ORIGIN) / timedelta(minutes=1)),
            int((i.end - ORIGIN) / timedelta(minutes=1)),
        )
    }


def is_merged(intervals: list[Interval]) -> bool:
    return all(a.end < b.start for a, b in pairwise(intervals))


def test_an_interval_must_end_after_it_starts():
    with pytest.raises(Invalid):
        span(10, 10)


def test_a_naive_interval_is_refused():
    with pytest.raises(Invalid):
        Interval(datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 9))


def test_touching_intervals_do_not_overlap_but_merge():
    assert not span(0, 10).overlaps(span(10, 20))
    assert merge([span(10, 20), span(0, 10)]) == [span(0, 20)]


@given(spans)
def test_merge_keeps_the_same_minutes_and_leaves_no_touching_pieces(intervals):
    merged = merge(intervals)
    assert minutes_in(merged) == minutes_in(intervals)
    assert is_merged(merged)


@given(spans, spans)
def test_intersect_is_the_common_minutes(left, right):
    common = intersect(merge(left), merge(right))
    assert minutes_in(common) == minutes_in(left) & minutes_in(right)
    assert is_merged(common)


@given(spans, spans)
def test_subtract_is_the_minutes_of_base_not_removed(base, removed):
    remaining = subtract(merge(base), merge(removed))
    assert minutes_in(remaining) == minutes_in(base) - minutes_in(removed)
    assert is_merged(remaining)


@given(spans, st.integers(0, 120), st.integers(1, 30))
def test_covers_means_every_minute_of_the_target_is_in_the_union(intervals, start, length):
    target = span(start, start + length)
    assert covers(merge(intervals), target) == (minutes_in([target]) <= minutes_in(intervals))
