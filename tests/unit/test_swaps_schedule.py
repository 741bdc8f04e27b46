"""Shift swaps and the policy timeline: pure rules, fixed times (Europe/Helsinki)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Conflict, Forbidden, Rejected
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.escalation_schedule import schedule
from chalicelib.domain.oncall import Override, Rotation
from chalicelib.domain.rota import Rota
from chalicelib.domain.swaps import accept, ask
from chalicelib.domain.workdays import at_local

NOW = at_local(date(2026, 10, 23), 12)  # a Friday; DST ends on Sunday 25.10.
ROTA = Rota(rotations=(Rotation("r", "primary", ("anna", "ben"), at_local(date(2026, 10, 23), 8),
                                24),))


def shifts(worker):
    return ROTA.whole_shifts_of(worker, NOW, NOW + timedelta(days=4))


def annas_shifts():
    return shifts("anna")


def test_a_swap_is_asked_for_an_own_shift_and_taken_once_by_someone_else():
    saturday = shifts("ben")[0]  # across the autumn change: 25 real hours
    assert saturday.end - saturday.start == timedelta(hours=25)
    assert annas_shifts()[0].start == at_local(date(2026, 10, 23), 8)  # whole, not cut at NOW
    swap = ask("s1", "ben", saturday, shifts("ben"), [], NOW)
    with pytest.raises(Forbidden):
        accept(swap, "ben", NOW)
    taken = accept(swap, "cai", NOW)
    with pytest.raises(Conflict):
        accept(taken, "anna", NOW)
    rota = ROTA.with_swap_accepted(taken, {}, NOW)
    assert rota.on_call(saturday.start + timedelta(hours=24, minutes=59))["primary"] == "cai"
    assert rota.on_call(saturday.end)["primary"] == "anna"


def test_a_shift_of_someone_else_a_past_one_or_one_asked_already_is_refused():
    mine = annas_shifts()
    bens = shifts("ben")[0]
    with pytest.raises(Rejected, match="not one of your"):
        ask("s1", "anna", bens, mine, [], NOW)
    with pytest.raises(Rejected, match="over"):
        ask("s1", "anna", mine[0], mine, [], mine[0].end)
    first = ask("s1", "anna", mine[1], mine, [], NOW)
    with pytest.raises(Rejected, match="already"):
        ask("s2", "anna", mine[1], mine, [first], NOW)


@given(waits=st.lists(st.integers(0, 3600), min_size=1, max_size=4), repeat=st.integers(0, 3),
       covered=st.booleans())
def test_the_timeline_pages_each_step_of_each_round_then_falls_back_once(waits, repeat,
                                                                         covered):
    policy = Policy(tuple(Step("primary" if covered else "secondary", w) for w in waits), repeat)
    timeline = schedule(policy, NOW, ROTA.resolver())
    assert len(timeline) == len(waits) * (repeat + 1) + 1
    assert [p.fallback for p in timeline] == [False] * (len(timeline) - 1) + [True]
    assert all(a.at <= b.at for a, b in zip(timeline, timeline[1:]))
    if covered:  # each page waits its step out; the fallback comes after the last wait
        assert timeline[-1].at - NOW == timedelta(seconds=sum(waits) * (repeat + 1))
    else:  # nobody on call: every step is skipped at once
        assert {p.at for p in timeline} == {NOW}
        assert all(p.worker is None for p in timeline)


def test_a_swapped_cover_goes_to_the_taker_whatever_their_names():
    cover_start = at_local(date(2026, 10, 24), 2)
    rota = ROTA.with_override(Override("zoe", "primary", cover_start,
                                       cover_start + timedelta(hours=2)), {}, NOW)
    [shift] = [s for s in rota.whole_shifts_of("zoe", NOW, NOW + timedelta(days=2))]
    taken = accept(ask("s1", "zoe", shift, [shift], [], NOW), "adam", NOW)
    after = rota.with_swap_accepted(taken, {}, NOW)
    assert after.on_call(cover_start + timedelta(hours=1))["primary"] == "adam"
    assert [o.worker for o in after.overrides] == ["adam"]
