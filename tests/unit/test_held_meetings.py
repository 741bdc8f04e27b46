"""Which meetings the count-based review rules count: only those recorded held.

The network meeting after the assessment period (korjaava perhetyö) and the plan of a
service-need assessment after its fourth meeting wait for meetings that took place, so
a no-show, a late cancellation or a meeting nobody has recorded yet counts for nothing.
"""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.appointment import OUTCOMES
from chalicelib.domain.review_rules import DEFAULT_RULES
from chalicelib.domain.reviews import PastMeeting, compute_reviews, held_dates
from chalicelib.domain.workdays import HELSINKI

START = date(2026, 11, 2)
NOW = datetime(2027, 3, 1, 12, tzinfo=HELSINKI)
ASSESSMENT = DEFAULT_RULES["palvelutarpeen-arviointi"]
CORRECTIVE = DEFAULT_RULES["korjaava-perhetyo"]


def meeting(day: int, outcome="held", status="booked", hour=9) -> PastMeeting:
    return PastMeeting(datetime(2026, 11, day, hour, tzinfo=HELSINKI), status, outcome)


def ids(meetings, rules) -> set[str]:
    return {r.id for r in compute_reviews(START, rules, held_meetings=held_dates(meetings, NOW))}


def test_the_plan_of_an_assessment_comes_with_the_fourth_held_meeting_not_a_no_show():
    three = [meeting(3), meeting(5), meeting(10)]
    assert "plan.1" not in ids([*three, meeting(12, "no-show")], ASSESSMENT)
    assert "plan.1" not in ids([*three, meeting(12, "cancelled-late")], ASSESSMENT)
    assert "plan.1" not in ids([*three, meeting(12, None)], ASSESSMENT)  # not recorded yet
    [plan] = [r for r in compute_reviews(START, ASSESSMENT, held_meetings=held_dates(
        [*three, meeting(12, "no-show"), meeting(17)], NOW)) if r.id == "plan.1"]
    assert plan.due == date(2026, 12, 1)  # 14 days after Tuesday 17.11.


def test_the_network_meeting_waits_for_the_fifth_held_meeting_of_the_assessment_period():
    four = [meeting(day) for day in (3, 5, 10, 12)]
    assert "network-meeting.1" not in ids([*four, meeting(17, "no-show")], CORRECTIVE)
    assert "network-meeting.1" in ids([*four, meeting(19)], CORRECTIVE)


def test_a_cancelled_or_future_meeting_is_not_held_whatever_it_says():
    assert held_dates([meeting(3, status="cancelled")], NOW) == []
    ahead = PastMeeting(NOW + timedelta(hours=1), "booked", "held")
    assert held_dates([ahead], NOW) == []


def test_held_dates_are_helsinki_days_in_order():
    late = PastMeeting(datetime(2026, 11, 3, 22, 30, tzinfo=UTC), "booked", "held")
    assert held_dates([meeting(10), late], NOW) == [date(2026, 11, 4), date(2026, 11, 10)]


past_meetings = st.lists(st.builds(
    PastMeeting,
    st.datetimes(min_value=datetime(2026, 11, 3), max_value=datetime(2027, 4, 1),
                 timezones=st.just(HELSINKI)),
    st.sampled_from(("booked", "cancelled")),
    st.sampled_from((None, *OUTCOMES))), max_size=12)


@given(past_meetings)
def test_only_booked_meetings_recorded_held_and_begun_are_counted(meetings):
    counted = held_dates(meetings, NOW)
    assert len(counted) == sum(1 for m in meetings
                               if m.status == "booked" and m.outcome == "held" and m.start < NOW)
    assert counted == sorted(counted)


@given(past_meetings, past_meetings)
def test_meetings_that_were_not_held_never_change_the_reviews(meetings, others):
    not_held = [PastMeeting(m.start, m.status, o) for m, o in
                zip(others, ("no-show", "cancelled-late", None) * 4)]
    for rules in (ASSESSMENT, CORRECTIVE):
        alone = compute_reviews(START, rules, held_meetings=held_dates(meetings, NOW))
        assert compute_reviews(START, rules, held_meetings=held_dates(
            [*meetings, *not_held], NOW)) == alone


@given(past_meetings)
def test_the_plan_is_due_exactly_when_four_meetings_were_held(meetings):
    held = held_dates(meetings, NOW)
    assert ("plan.1" in ids(meetings, ASSESSMENT)) == (len(held) >= 4)
