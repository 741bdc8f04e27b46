"""Group sessions keep their Helsinki wall-clock time; who may join; a roster's places."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.directory import Case, Contact
from chalicelib.domain.groups import Group, Roster, Session, is_open, may_join, session_starts
from chalicelib.domain.workdays import at_local, local


def case(case_id="k1", service="perhetyo") -> Case:
    return Case(case_id, service, ("w1",), date(2026, 1, 5), 90, 1, ("home",),
                Contact("+358401234567", None))


def group(cases=None, service="perhetyo", first=at_local(date(2026, 12, 1), 17)) -> Group:
    sessions = tuple(Session(f"s{n}", s, s + timedelta(minutes=90))
                     for n, s in enumerate(session_starts(first, 7, 3)))
    return Group("g1", service, "kallio", ("w1", "w2"), 90, 7, 6, sessions, cases)


@given(st.dates(date(2026, 1, 1), date(2030, 12, 31)), st.integers(7, 19),
       st.sampled_from([0, 30]), st.integers(1, 28), st.integers(1, 12))
def test_every_session_starts_at_the_first_ones_wall_clock_time(day, hour, minute, every,
                                                                count):
    first = at_local(day, hour, minute)
    starts = session_starts(first, every, count)
    assert len(starts) == count and starts[0] == first
    for n, start in enumerate(starts):
        wall = local(start)
        assert (wall.hour, wall.minute) == (hour, minute)
        assert wall.date() == day + timedelta(days=every * n)


def test_a_weekly_group_keeps_five_pm_across_the_spring_dst_change():
    starts = session_starts(at_local(date(2027, 3, 23), 17), 7, 2)
    assert [s.isoformat() for s in starts] == ["2027-03-23T17:00:00+02:00",
                                               "2027-03-30T17:00:00+03:00"]
    elapsed = starts[1].astimezone(UTC) - starts[0].astimezone(UTC)
    assert elapsed == timedelta(days=7, hours=-1)  # one hour less of real time


def test_an_open_group_takes_its_services_cases_and_an_invitation_only_those_invited():
    assert may_join(group(), case()) and not may_join(group(), case(service="perhetyo-x"))
    invited = group(cases=("k2",), service="tehostettu-perhetyo")
    assert may_join(invited, case("k2")) and not may_join(invited, case("k1"))


def test_seats_left_never_go_below_zero_and_joining_ends_when_the_last_session_begins():
    full = Group(**{**group().__dict__, "taken": 7})
    assert full.seats_left == 0
    last = group().sessions[-1].start
    assert is_open(group(), last - timedelta(minutes=1)) and not is_open(group(), last)


def test_a_roster_names_only_the_asking_familys_place_and_its_position_in_line():
    roster = Roster(seated=("k1",), waiting=("k2", "k3"))
    assert [roster.place_of(c) for c in ("k1", "k2", "k4")] == ["seated", "waiting", None]
    assert (roster.position_of("k3"), roster.position_of("k1")) == (2, None)
