"""Stored review records: what a recompute writes, and the notice timer."""

from datetime import date

from chalicelib.domain.review_rules import AfterDays, Recurring
from chalicelib.domain.review_state import (
    ReviewRecord,
    completions_of,
    notice_timer,
    plan_changes,
)
from chalicelib.domain.reviews import compute_reviews

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
    due = D("2026-11-16")
    assert notice_timer(due, None, D("2026-11-05")) == D("2026-11-05")
    assert notice_timer(due, D("2026-11-02"), D("2026-11-05")) == D("2026-11-13")
    assert notice_timer(due, D("2026-11-17"), D("2026-11-18")) is None
