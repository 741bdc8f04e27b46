"""Stored review records: what a recompute writes, and the notice timer."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.review_rules import AfterDays, Recurring
from chalicelib.domain.review_state import (
    ReviewRecord,
    completions_of,
    notice_timer,
    plan_changes,
)
from chalicelib.domain.reviews import ReviewDue, compute_reviews, review_notices

D = date.fromisoformat
START = D("2026-11-02")
PLAN = AfterDays("plan", "plan", days=14)
REVIEW = Recurring("review", "review", months=4, anchor="last_completion")


def stored(changes):
    return {record.review.id: record for record in changes.puts}


def test_a_new_case_puts_one_record_per_review_with_its_owners_and_a_timer():
    computed = compute_reviews(START, (PLAN, REVIEW))
    changes = plan_changes("k1", computed, {}, ("w1", "sw"), START)
    records = stored(changes)
    assert set(records) == {"plan.1", "review.1"} and not changes.deletes
    assert records["plan.1"].owners == ("w1", "sw")
    assert records["plan.1"].notice_on == D("2026-11-02")  # 14 days before 16.11.


def test_recomputing_unchanged_reviews_writes_nothing():
    computed = compute_reviews(START, (PLAN, REVIEW))
    first = stored(plan_changes("k1", computed, {}, ("w1",), START))
    assert not plan_changes("k1", computed, first, ("w1",), START)


def test_a_removed_rule_deletes_its_open_review_but_keeps_a_completed_one():
    done = ReviewRecord("k1", compute_reviews(START, (PLAN,), {"plan": [D("2026-11-10")]})[0])
    open_review = stored(plan_changes("k1", compute_reviews(START, (REVIEW,)), {}, (), START))
    existing = {"plan.1": done, **open_review}
    changes = plan_changes("k1", [], existing, (), START)
    assert [r.review.id for r in changes.deletes] == ["review.1"]


def test_completions_are_listed_per_rule_in_occurrence_order():
    reviews = compute_reviews(START, (REVIEW,), {"review": [D("2027-02-01"), D("2027-06-01")]})
    records = [ReviewRecord("k1", r) for r in reversed(reviews)]
    assert completions_of(records) == {"review": [D("2027-02-01"), D("2027-06-01")]}


def test_a_missed_notice_day_becomes_today_and_a_sent_one_moves_the_timer_on():
    plan = compute_reviews(START, (PLAN,))[0]  # due 16.11., reminders 2.11. and 13.11.
    assert notice_timer(plan, None, D("2026-11-05")) == D("2026-11-05")
    assert notice_timer(plan, D("2026-11-02"), D("2026-11-05")) == D("2026-11-13")
    assert notice_timer(plan, D("2026-11-17"), D("2026-11-18")) is None


def test_new_reminder_days_move_the_pending_timer_and_keep_what_was_sent():
    first = stored(plan_changes("k1", compute_reviews(START, (PLAN,)), {}, ("w1",), START))
    # The 14-day reminder went out on 2.11.; the 3-day one is pending for 13.11.
    sent = {"plan.1": replace(first["plan.1"], last_sent_on=D("2026-11-02"), version=2)}
    edited = replace(PLAN, reminder_days=(14, 7, 1))
    changes = plan_changes("k1", compute_reviews(START, (edited,)), sent, ("w1",), D("2026-11-03"))
    (record,) = changes.puts
    assert record.review.reminder_days == (14, 7, 1)
    assert (record.notice_on, record.last_sent_on, record.version) == (
        D("2026-11-09"), D("2026-11-02"), 2)  # 7 days before; the sent one stays sent


def test_without_reminder_days_only_the_overdue_notice_is_pending():
    quiet = replace(PLAN, reminder_days=())
    (record,) = plan_changes("k1", compute_reviews(START, (quiet,)), {}, (), START).puts
    assert record.notice_on == D("2026-11-17")


reminder_sets = st.sets(st.integers(min_value=0, max_value=60), max_size=5).map(
    lambda days: tuple(sorted(days, reverse=True)))


@given(before=reminder_sets, after=reminder_sets,
       sent_offset=st.integers(min_value=-60, max_value=5) | st.none(),
       today_offset=st.integers(min_value=-60, max_value=5))
def test_a_timer_after_any_edit_is_never_in_the_past_nor_on_a_notice_already_sent(
        before, after, sent_offset, today_offset):
    due = D("2027-03-01")
    today = due + timedelta(days=today_offset)
    last_sent = None if sent_offset is None else min(due + timedelta(days=sent_offset), today)
    review = ReviewDue("plan.1", "plan", "plan", 1, due, reminder_days=after)
    timer = notice_timer(review, last_sent, today)
    if timer is not None:
        assert timer >= today
        assert last_sent is None or timer > last_sent
    notices = review_notices(due, after)
    unsent = [n for n in notices if last_sent is None or n.on > last_sent]
    assert (timer is None) == (not unsent)
