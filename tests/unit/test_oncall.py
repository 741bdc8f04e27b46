"""The on-call rota: wall-clock handoffs across DST, overrides, gaps and a worker's shifts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import Invalid
from chalicelib.domain.oncall import (
    Gap, Override, Rotation, Shift, gaps, on_call_at, override_from_dict, rotation_from_dict,
    shifts_of, target_resolver,
)
from chalicelib.domain.workdays import HELSINKI, at_local, local


def hki(y, m, d, h=0, minute=0):
    return at_local(date(y, m, d), h, minute)


WEEKLY = Rotation("weekly", "primary", ("anna", "ben", "cai"), hki(2026, 3, 2, 8), 168)
DAILY = Rotation("daily", "primary", ("anna", "ben"), hki(2026, 3, 23, 8), 24)
TWELVE = Rotation("twelve", "secondary", ("day", "night"), hki(2026, 3, 27, 8), 12)


@pytest.mark.parametrize("rotation", [WEEKLY, DAILY, TWELVE], ids=lambda r: r.id)
@pytest.mark.parametrize("dst_day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_handoffs_stay_at_the_same_wall_clock_time_through_a_dst_change(rotation, dst_day):
    around = [rotation.handoff(k) for k in range(800)
              if abs((rotation.handoff(k).date() - dst_day).days) <= 8]
    assert around, "the rotation must have handoffs around the DST change"
    assert {(local(t).hour, local(t).minute) for t in around} <= {(8, 0), (20, 0)}
    assert {local(t).utcoffset() for t in around} == {timedelta(hours=2), timedelta(hours=3)}


def test_a_weekly_rotation_hands_off_monday_0800_either_side_of_both_dst_changes():
    for monday in (date(2026, 3, 23), date(2026, 3, 30), date(2026, 10, 19), date(2026, 10, 26)):
        before, after = hki(*monday.timetuple()[:3], 7, 59), hki(*monday.timetuple()[:3], 8)
        assert on_call_at([WEEKLY], [], before)["primary"] != on_call_at([WEEKLY], [], after)["primary"]


def test_the_24h_shift_across_the_spring_change_lasts_23_real_hours():
    k = DAILY.shift_index(hki(2026, 3, 28, 12))
    assert DAILY.handoff(k + 1) - DAILY.handoff(k) == timedelta(hours=23)


def test_twelve_hour_shifts_hand_off_at_08_and_20_after_the_autumn_change():
    rotation = Rotation("t", "primary", ("day", "night"), hki(2026, 10, 20, 8), 12)
    assert on_call_at([rotation], [], hki(2026, 10, 26, 19, 59))["primary"] == "day"
    assert on_call_at([rotation], [], hki(2026, 10, 26, 20))["primary"] == "night"
    assert on_call_at([rotation], [], hki(2026, 10, 27, 8))["primary"] == "day"


def test_shifts_go_round_the_workers_in_order():
    mondays = [hki(2026, 3, 2, 9) + timedelta(weeks=w) for w in range(4)]
    assert [on_call_at([WEEKLY], [], t)["primary"] for t in mondays] == ["anna", "ben", "cai", "anna"]


def test_a_newer_rotation_replaces_the_old_one_from_its_start():
    newer = Rotation("newer", "primary", ("dora",), hki(2026, 3, 10, 12), 24)
    assert on_call_at([newer, WEEKLY], [], hki(2026, 3, 10, 11))["primary"] == "ben"
    assert on_call_at([newer, WEEKLY], [], hki(2026, 3, 10, 12))["primary"] == "dora"


def test_an_override_wins_over_the_rota_and_the_latest_starting_override_wins():
    long = Override("olli", "primary", hki(2026, 3, 3, 0), hki(2026, 3, 6, 0))
    short = Override("pia", "primary", hki(2026, 3, 4, 0), hki(2026, 3, 5, 0))
    assert on_call_at([WEEKLY], [long, short], hki(2026, 3, 3, 12))["primary"] == "olli"
    assert on_call_at([WEEKLY], [short, long], hki(2026, 3, 4, 12))["primary"] == "pia"
    assert on_call_at([WEEKLY], [long, short], hki(2026, 3, 6, 0))["primary"] == "anna"


def test_an_override_at_one_level_leaves_the_other_level_alone():
    cover = Override("olli", "secondary", hki(2026, 3, 30, 0), hki(2026, 3, 31, 0))
    assert on_call_at([WEEKLY, TWELVE], [cover], hki(2026, 3, 30, 12)) == {
        "primary": "ben", "secondary": "olli"}


def test_nobody_is_on_call_before_a_rotation_starts_or_at_a_level_without_one():
    assert on_call_at([WEEKLY], [], hki(2026, 3, 2, 7, 59)) == {"primary": None, "secondary": None}


def test_gaps_are_before_the_rotation_and_wherever_a_level_has_no_rotation():
    found = gaps([WEEKLY], [], hki(2026, 3, 1), hki(2026, 3, 3))
    assert found == [Gap("primary", hki(2026, 3, 1), hki(2026, 3, 2, 8)),
                     Gap("secondary", hki(2026, 3, 1), hki(2026, 3, 3))]


def test_an_override_fills_a_gap_and_the_gaps_either_side_remain():
    cover = Override("olli", "secondary", hki(2026, 3, 2, 0), hki(2026, 3, 2, 12))
    found = gaps([WEEKLY], [cover], hki(2026, 3, 1), hki(2026, 3, 3))
    assert [g for g in found if g.level == "secondary"] == [
        Gap("secondary", hki(2026, 3, 1), hki(2026, 3, 2, 0)),
        Gap("secondary", hki(2026, 3, 2, 12), hki(2026, 3, 3))]


def test_a_fully_covered_period_has_no_gaps():
    assert gaps([WEEKLY, TWELVE], [], hki(2026, 3, 28), hki(2026, 11, 1)) == []


def test_a_gap_period_must_end_after_it_starts():
    with pytest.raises(Invalid) as error:
        gaps([], [], hki(2026, 3, 2), hki(2026, 3, 1))
    assert error.value.field == "to"


def test_a_workers_shifts_are_cut_by_an_override_and_clipped_to_the_period():
    cover = Override("olli", "primary", hki(2026, 3, 24, 12), hki(2026, 3, 24, 14))
    found = shifts_of("ben", [DAILY], [cover], hki(2026, 3, 24, 9), hki(2026, 3, 27))
    assert found == [Shift("primary", hki(2026, 3, 24, 9), hki(2026, 3, 24, 12)),
                     Shift("primary", hki(2026, 3, 24, 14), hki(2026, 3, 25, 8)),
                     Shift("primary", hki(2026, 3, 26, 8), hki(2026, 3, 27))]


def test_an_override_is_a_shift_of_its_worker():
    cover = Override("olli", "primary", hki(2026, 3, 24, 12), hki(2026, 3, 24, 14))
    assert shifts_of("olli", [DAILY], [cover], hki(2026, 3, 20), hki(2026, 3, 30)) == [
        Shift("primary", cover.start, cover.end)]


def test_a_one_worker_rotation_gives_one_shift_per_handoff():
    solo = Rotation("solo", "secondary", ("sami",), hki(2026, 10, 23, 8), 24)
    found = shifts_of("sami", [solo], [], hki(2026, 10, 23, 8), hki(2026, 10, 26, 8))
    assert [(local(s.start).hour, s.end - s.start) for s in found] == [
        (8, timedelta(hours=24)), (8, timedelta(hours=25)), (8, timedelta(hours=24))]


def test_the_resolver_reads_the_rota_for_levels_and_names_a_worker_directly():
    who = target_resolver([WEEKLY], [])
    assert who("primary", hki(2026, 3, 3)) == "anna"
    assert who("secondary", hki(2026, 3, 3)) is None
    assert who("worker:w7", hki(2026, 3, 3)) == "w7"


def test_rotation_and_override_are_read_from_the_contracts_json():
    rotation = rotation_from_dict({"id": "r1", "level": "primary", "workers": ["a", "b"],
                                   "start": "2026-03-02T08:00:00+02:00", "shift_hours": 24})
    assert rotation.workers == ("a", "b") and rotation.start == hki(2026, 3, 2, 8)
    override = override_from_dict({"worker": "a", "level": "secondary",
                                   "start": "2026-03-02T08:00:00+02:00",
                                   "end": "2026-03-02T20:00:00+02:00"})
    assert override.end - override.start == timedelta(hours=12)


@pytest.mark.parametrize("change, field", [
    ({"level": "tertiary"}, "level"),
    ({"workers": []}, "workers"),
    ({"workers": "a"}, "workers"),
    ({"start": "2026-03-02T08:00:00"}, "start"),
    ({"start": "yesterday"}, "start"),
    ({"shift_hours": 0}, "shift_hours"),
    ({"shift_hours": 1.5}, "shift_hours"),
    ({"id": ""}, "id"),
])
def test_a_bad_rotation_is_invalid_and_names_its_field(change, field):
    data = {"id": "r1", "level": "primary", "workers": ["a"],
            "start": "2026-03-02T08:00:00+02:00", "shift_hours": 24} | change
    with pytest.raises(Invalid) as error:
        rotation_from_dict(data)
    assert error.value.field == field


def test_an_override_that_ends_before_it_starts_is_invalid():
    with pytest.raises(Invalid) as error:
        Override("a", "primary", hki(2026, 3, 2, 8), hki(2026, 3, 2, 8))
    assert error.value.field == "end"


# Drawn as Helsinki wall-clock times (folds and gaps included), then kept in UTC so that
# adding hours in the tests means real hours.
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(HELSINKI)).map(lambda t: t.astimezone(UTC))


@settings(max_examples=150, deadline=None)
@given(at=instants, hours=st.sampled_from([1, 6, 8, 12, 24, 168]),
       start_hour=st.integers(0, 23))
def test_the_shift_index_is_the_handoff_interval_holding_the_instant(at, hours, start_hour):
    rotation = Rotation("r", "primary", ("a", "b", "c"), hki(2025, 12, 1, start_hour), hours)
    k = rotation.shift_index(at)
    assert rotation.handoff(k) <= at < rotation.handoff(k + 1)


@settings(max_examples=60, deadline=None)
@given(start=instants, days=st.integers(1, 20),
       covers=st.lists(st.tuples(instants, st.integers(1, 72), st.sampled_from(["x", "y"])),
                       max_size=3))
def test_gaps_and_shifts_tile_the_period_exactly_as_on_call_at_says(start, days, covers):
    overrides = [Override(w, "primary", s, s + timedelta(hours=h)) for s, h, w in covers]
    rotations = [Rotation("r", "primary", ("a", "b"), hki(2026, 6, 1, 8), 24)]
    end = start + timedelta(days=days)
    pieces = gaps(rotations, overrides, start, end)
    pieces = [p for p in pieces if p.level == "primary"] + [
        s for w in ("a", "b", "x", "y") for s in shifts_of(w, rotations, overrides, start, end)]
    pieces.sort(key=lambda p: p.start)
    assert pieces[0].start == start and pieces[-1].end == end
    assert all(p.end == q.start for p, q in zip(pieces, pieces[1:]))
    for piece in pieces:
        expected = on_call_at(rotations, overrides, piece.start)["primary"]
        assert isinstance(piece, Gap) == (expected is None)


def test_an_ended_rotation_leaves_a_gap_after_its_end_and_cuts_the_running_shift():
    ended = WEEKLY.ended_at(hki(2026, 3, 4, 12))
    assert on_call_at([ended], [], hki(2026, 3, 4, 11, 59))["primary"] == "anna"
    assert on_call_at([ended], [], hki(2026, 3, 4, 12))["primary"] is None
    assert gaps([ended], [], hki(2026, 3, 4), hki(2026, 3, 6)) == [
        Gap("secondary", hki(2026, 3, 4), hki(2026, 3, 6)),
        Gap("primary", hki(2026, 3, 4, 12), hki(2026, 3, 6))]
    assert shifts_of("anna", [ended], [], hki(2026, 3, 1), hki(2026, 4, 1)) == [
        Shift("primary", hki(2026, 3, 2, 8), hki(2026, 3, 4, 12))]


def test_after_a_newer_rotation_ends_an_older_running_one_takes_over_again():
    newer = DAILY.ended_at(hki(2026, 3, 25, 8))
    assert on_call_at([WEEKLY, newer], [], hki(2026, 3, 24, 9))["primary"] == "ben"
    assert on_call_at([WEEKLY, newer], [], hki(2026, 3, 25, 9))["primary"] == \
        on_call_at([WEEKLY], [], hki(2026, 3, 25, 9))["primary"]


def test_a_rotation_cannot_end_before_it_starts_and_ending_later_keeps_an_earlier_end():
    with pytest.raises(Invalid):
        WEEKLY.ended_at(WEEKLY.start)
    ended = WEEKLY.ended_at(hki(2026, 3, 4, 12))
    assert ended.ended_at(hki(2026, 4, 1)) == ended
    assert rotation_from_dict({"id": "r", "level": "primary", "workers": ["a"], "shift_hours": 24,
                               "start": "2026-03-02T08:00:00+02:00",
                               "end": "2026-03-09T08:00:00+02:00"}).end == hki(2026, 3, 9, 8)
