"""The review engine: due dates from rules, meetings and completions; notices; completion."""

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Conflict, Rejected
from chalicelib.domain.review_rules import (
    DEFAULT_RULES,
    AfterDays,
    AfterMeeting,
    ByEnd,
    Recurring,
)
from chalicelib.domain.reviews import (
    ReviewDue,
    ReviewNotice,
    check_completion,
    compute_reviews,
    next_notice_on,
    notice_to_send,
    review_notices,
)
from chalicelib.domain.workdays import is_working_day

D = date.fromisoformat
START = D("2026-12-18")  # a Friday before Christmas
NETWORK = AfterMeeting("network-meeting", "network-meeting", meeting=5, days=14)
REVIEW = Recurring("review", "review", months=4, anchor="last_completion")
SUMMARY = Recurring("summary", "summary", months=3, anchor="start")
MEETINGS = [D(day) for day in ("2027-01-05", "2027-01-08", "2027-01-12", "2027-01-15", "2027-01-19")]


def due_by_id(reviews):
    return {review.id: review.due for review in reviews}


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("tehostettu-perhetyo", {"plan.1": "2027-01-04", "review.1": "2027-04-19",
                                 "final.1": "2027-12-20", "client-plan-review.1": "2027-12-20"}),
        ("perhetyo", {"plan.1": "2027-01-04", "review.1": "2027-04-19",
                      "client-plan-review.1": "2027-12-20"}),
        ("korjaava-perhetyo", {"network-meeting.1": "2027-02-02", "summary.1": "2027-03-18",
                               "client-plan-review.1": "2027-12-20"}),
        ("tukihenkilotoiminta", {"phase-review.1": "2027-03-18", "client-plan-review.1": "2027-12-20"}),
        ("palvelutarpeen-arviointi", {"assessment-start.1": "2026-12-31", "plan.1": "2027-01-29",
                                      "assessment-complete.1": "2027-03-18",
                                      "client-plan-review.1": "2027-12-20"}),
    ],
)
def test_default_rules_give_the_first_due_dates_for_a_start_before_christmas(service, expected):
    reviews = compute_reviews(START, DEFAULT_RULES[service], held_meetings=MEETINGS)
    assert due_by_id(reviews) == {rid: D(day) for rid, day in expected.items()}


def test_the_nth_meeting_rule_waits_for_the_fifth_held_meeting():
    assert compute_reviews(START, [NETWORK], held_meetings=MEETINGS[:4]) == []
    assert due_by_id(compute_reviews(START, [NETWORK], held_meetings=MEETINGS)) == {
        "network-meeting.1": D("2027-02-02"),
    }


def test_a_cancelled_fifth_meeting_does_not_fire_the_rule():
    appointments = [(day, "held") for day in MEETINGS[:4]] + [(MEETINGS[4], "cancelled")]
    held = [day for day, status in appointments if status == "held"]
    assert compute_reviews(START, [NETWORK], held_meetings=held) == []


def test_the_nth_meeting_is_counted_in_date_order_and_later_meetings_change_nothing():
    shuffled = MEETINGS + [D("2027-01-22")]
    random.Random(8).shuffle(shuffled)
    assert due_by_id(compute_reviews(START, [NETWORK], held_meetings=shuffled)) == {
        "network-meeting.1": D("2027-02-02"),
    }


def test_completing_a_review_schedules_the_next_from_the_completion_date():
    reviews = compute_reviews(START, [REVIEW], completed={"review": [D("2027-04-06")]})
    assert reviews == [
        ReviewDue("review.1", "review", "review", 1, D("2027-04-19"), completed_on=D("2027-04-06")),
        ReviewDue("review.2", "review", "review", 2, D("2027-08-06")),
    ]


def test_a_review_anchored_to_the_start_keeps_its_calendar():
    reviews = compute_reviews(START, [SUMMARY], completed={"summary": [D("2027-03-10")]})
    assert due_by_id(reviews) == {"summary.1": D("2027-03-18"), "summary.2": D("2027-06-18")}


def test_a_late_review_anchored_to_the_start_covers_the_periods_it_ran_into():
    reviews = compute_reviews(START, [SUMMARY], completed={"summary": [D("2027-06-21")]})
    assert due_by_id(reviews)["summary.2"] == D("2027-09-20")  # 18.9.2027 is a Saturday


def test_editing_a_rule_moves_the_open_review_and_keeps_its_id():
    before = compute_reviews(START, [REVIEW])
    after = compute_reviews(START, [Recurring("review", "review", months=3, anchor="last_completion")])
    assert due_by_id(before) == {"review.1": D("2027-04-19")}
    assert due_by_id(after) == {"review.1": D("2027-03-18")}


def test_recomputation_is_idempotent_and_sorted_by_due_date():
    rules = DEFAULT_RULES["palvelutarpeen-arviointi"]
    first = compute_reviews(START, rules, {"assessment-start": [D("2026-12-22")]}, MEETINGS)
    assert first == compute_reviews(START, rules, {"assessment-start": [D("2026-12-22")]}, MEETINGS)
    assert [review.due for review in first] == sorted(review.due for review in first)


def test_completions_of_a_removed_rule_are_ignored():
    assert compute_reviews(START, [], completed={"review": [D("2027-04-06")]}) == []


def test_recurring_reviews_stop_at_the_end_of_the_service():
    end = D("2027-07-31")
    completed = {"review": [D("2027-04-06")]}
    assert due_by_id(compute_reviews(START, [REVIEW], completed, end=end)) == {"review.1": D("2027-04-19")}


def test_the_final_review_is_due_by_the_end_or_the_maximum_duration_whichever_is_first():
    final = ByEnd("final", "final", max_months=12)
    assert due_by_id(compute_reviews(START, [final])) == {"final.1": D("2027-12-20")}
    assert due_by_id(compute_reviews(START, [final], end=D("2027-06-25"))) == {"final.1": D("2027-06-28")}


def test_a_minimum_duration_sets_the_earliest_day_and_waits_for_an_end():
    final = ByEnd("final", "final", min_months=6)
    assert compute_reviews(START, [final]) == []
    [review] = compute_reviews(START, [final], end=D("2027-09-30"))
    assert (review.earliest, review.due) == (D("2027-06-18"), D("2027-09-30"))


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
       st.lists(st.dates(min_value=date(2026, 1, 1), max_value=date(2031, 12, 31)), max_size=12))
def test_every_default_review_is_due_on_a_working_day(start, meetings):
    for service_rules in DEFAULT_RULES.values():
        for review in compute_reviews(start, service_rules, held_meetings=meetings):
            assert is_working_day(review.due)


def test_a_review_is_open_then_due_soon_then_overdue():
    review = ReviewDue("plan.1", "plan", "plan", 1, D("2027-01-04"))
    assert [review.status(D(day)) for day in ("2026-12-20", "2026-12-21", "2027-01-04", "2027-01-05")] == [
        "open", "due-soon", "due-soon", "overdue",
    ]
    assert ReviewDue("plan.1", "plan", "plan", 1, D("2027-01-04"), completed_on=D("2027-01-10")).status(
        D("2027-02-01")) == "completed"


def test_the_due_soon_window_is_the_rules_first_reminder():
    review = ReviewDue("plan.1", "plan", "plan", 1, D("2027-01-04"), reminder_days=(30, 7))
    assert [review.status(D(day)) for day in ("2026-12-04", "2026-12-05")] == ["open", "due-soon"]


def test_a_review_carries_its_rules_reminder_days():
    plan = AfterDays("plan", "plan", 14, reminder_days=(7, 1))
    assert [r.reminder_days for r in compute_reviews(START, [plan])] == [(7, 1)]


def test_a_rule_without_reminders_gives_only_the_overdue_notice():
    assert review_notices(D("2027-01-07"), ()) == (ReviewNotice("review-overdue", D("2027-01-08")),)


def test_notices_are_two_reminders_and_an_overdue_notice():
    assert review_notices(D("2027-01-07"), (14, 3)) == (
        ReviewNotice("review-due", D("2026-12-23")),
        ReviewNotice("review-due", D("2027-01-04")),
        ReviewNotice("review-overdue", D("2027-01-08")),
    )


def test_a_late_sweep_sends_only_the_latest_notice_and_then_nothing_again():
    notices = review_notices(D("2027-01-07"), (14, 3))
    assert notice_to_send(notices, D("2026-12-22"), None) is None
    assert notice_to_send(notices, D("2027-01-05"), None) == ReviewNotice("review-due", D("2027-01-04"))
    assert notice_to_send(notices, D("2027-01-05"), last_sent_on=D("2027-01-04")) is None
    assert next_notice_on(notices, after=D("2027-01-04")) == D("2027-01-08")
    assert next_notice_on(notices, after=D("2027-01-08")) is None


OPEN = ReviewDue("final.1", "final", "final", 1, D("2027-09-30"), earliest=D("2027-06-18"))


@pytest.mark.parametrize(
    ("review", "on", "previous", "error", "code"),
    [
        (OPEN, D("2027-07-02"), None, Rejected, "future_date"),
        (OPEN, D("2027-06-17"), None, Rejected, "too_early"),
        (OPEN, D("2027-06-20"), D("2027-06-25"), Rejected, "before_previous"),
        (ReviewDue("plan.1", "plan", "plan", 1, D("2027-01-04"), completed_on=D("2027-01-02")),
         D("2027-06-30"), None, Conflict, "already_completed"),
    ],
)
def test_a_completion_the_rules_forbid_is_refused(review, on, previous, error, code):
    with pytest.raises(error) as raised:
        check_completion(review, on, today=D("2027-07-01"), previous=previous)
    assert raised.value.code == code


def test_a_completion_on_or_after_the_earliest_day_is_accepted():
    assert check_completion(OPEN, D("2027-06-18"), today=D("2027-07-01"), previous=None) is None


def test_a_plan_rule_counts_from_the_start_not_the_completion():
    plan = AfterDays("plan", "plan", 14)
    assert compute_reviews(START, [plan], completed={"plan": [D("2027-01-20")]}) == [
        ReviewDue("plan.1", "plan", "plan", 1, D("2027-01-04"), completed_on=D("2027-01-20")),
    ]
