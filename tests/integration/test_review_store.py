"""The reviews repository: one suite for DynamoDB (moto) and its in-memory twin."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.notification import Notification
from chalicelib.domain.review_rules import AfterDays, ByEnd, Recurring
from chalicelib.domain.review_state import RecomputeJob, ReviewChanges, plan_changes
from chalicelib.domain.reviews import compute_reviews
from chalicelib.domain.workdays import HELSINKI
from chalicelib.store.memory_reviews import InMemoryReviews
from tests.support.twins import BACKENDS, twin

D = date.fromisoformat
START = D("2026-11-02")  # Monday; the plan is due Monday 16.11.
NOW = datetime(2026, 11, 2, 10, tzinfo=HELSINKI)
PLAN = AfterDays("plan", "plan", 14)
REVIEW = Recurring("review", "review", 4, "last_completion", reminder_days=(30, 7, 0))


class DynamoBackend:
    """``DynamoReviews`` with the test-only seams the fake has built in."""

    def __init__(self):
        from chalicelib.store.reviews import DynamoReviews

        self.repo = DynamoReviews()

    def add_meeting(self, case_id: str, start: datetime, status: str = "booked",
                    outcome: str | None = None) -> None:
        from chalicelib.store.tx import Transaction, utc_iso

        tx = Transaction()
        tx.put({"pk": f"APPT#{uuid.uuid4().hex[:8]}", "sk": "APPT", "case_id": case_id,
                "start": utc_iso(start), "status": status, "gsi1pk": f"CASE#{case_id}#APPTS",
                "gsi1sk": utc_iso(start), "outcome": outcome}, label="appt")
        tx.commit()

    def queued(self, notes) -> set[str]:
        from chalicelib.store.reviews import outbox_key
        from chalicelib.store.tx import batch_get

        found = batch_get([outbox_key(n) for n in notes], consistent=True)
        return {n.id for n in notes if outbox_key(n) in found}


class MemoryBackend:
    def __init__(self):
        self.repo = InMemoryReviews()
        self.add_meeting = self.repo.add_meeting

    def queued(self, notes) -> set[str]:
        return {n.id for n in notes if n.id in self.repo.outbox}


@pytest.fixture(params=BACKENDS)
def backend(request):
    return twin(request, MemoryBackend, DynamoBackend)


@pytest.fixture
def repo(backend):
    return backend.repo


def open_case(repo, case_id="k1", rules=(PLAN, REVIEW), owners=("w1", "sw"), now=NOW):
    changes = plan_changes(case_id, compute_reviews(START, rules), {}, owners, now.date())
    repo.apply(changes, {}, now)
    return repo.records(case_id)


def note(kind="review-due", recipient="w1@example.org", key="review-due:k1:plan.1:2026-11-02"):
    return Notification(kind, "email", recipient, key, params={"code": "k1", "review": "plan", "due": "2026-11-16"}, case_id="k1")


def test_a_service_without_stored_rules_has_none_and_stored_ones_read_back(repo):
    assert repo.get_rules("perhetyo") is None
    rules = (PLAN, REVIEW, ByEnd("final", "final", min_months=6, reminder_days=()))
    repo.put_rules("perhetyo", rules, NOW, "coordinator:test")
    assert repo.get_rules("perhetyo") == rules


def test_storing_rules_queues_a_recompute_that_each_edit_starts_over(repo):
    assert repo.due_jobs(NOW) == []
    repo.put_rules("perhetyo", (PLAN,), NOW, "coordinator:test")
    assert repo.due_jobs(NOW - timedelta(seconds=1)) == []
    assert repo.due_jobs(NOW) == [RecomputeJob("perhetyo", 1)]
    moved = repo.advance_job(RecomputeJob("perhetyo", 1), "k5", NOW)
    assert moved == RecomputeJob("perhetyo", 1, "k5") and repo.due_jobs(NOW) == [moved]
    repo.put_rules("perhetyo", (REVIEW,), NOW, "coordinator:test")
    assert repo.due_jobs(NOW) == [RecomputeJob("perhetyo", 2)]


def test_of_two_sweeps_on_the_same_page_of_a_job_one_moves_it_on(repo):
    repo.put_rules("perhetyo", (PLAN,), NOW, "coordinator:test")
    (job,), (twin,) = repo.due_jobs(NOW), repo.due_jobs(NOW)
    assert repo.advance_job(job, "k2", NOW) is not None
    assert repo.advance_job(twin, "k2", NOW) is None
    assert repo.finish_job(twin) is False
    assert repo.due_jobs(NOW) == [RecomputeJob("perhetyo", 1, "k2")]


def test_a_job_finishes_only_if_the_rules_were_not_edited_meanwhile(repo):
    repo.put_rules("perhetyo", (PLAN,), NOW, "coordinator:test")
    (job,) = repo.due_jobs(NOW)
    repo.put_rules("perhetyo", (PLAN, REVIEW), NOW, "coordinator:test")
    assert repo.finish_job(job) is False
    (again,) = repo.due_jobs(NOW)
    assert repo.finish_job(again) is True
    assert repo.due_jobs(NOW + timedelta(minutes=1)) == []


def test_records_read_back_with_their_reminder_days_timer_and_a_version(repo):
    records = open_case(repo)
    assert set(records) == {"plan.1", "review.1"}
    plan, review = records["plan.1"], records["review.1"]
    assert (plan.version, plan.owners, plan.notice_on) == (1, ("w1", "sw"), D("2026-11-02"))
    assert plan.review.reminder_days == (14, 3)
    assert review.review.reminder_days == (30, 7, 0)
    assert repo.records("k-other") == {}


def test_a_write_from_a_stale_read_is_refused_and_changes_nothing(repo):
    stale = open_case(repo)
    moved = plan_changes("k1", compute_reviews(START, (replace(PLAN, days=30), REVIEW)), stale,
                         ("w1",), START)
    repo.apply(moved, stale, NOW)
    with pytest.raises(Conflict):
        repo.apply(ReviewChanges(deletes=(stale["review.1"],)), stale, NOW)
    assert repo.records("k1")["plan.1"].review.due == D("2026-12-02")
    assert repo.records("k1")["plan.1"].version == 2


def test_owners_see_open_deadlines_earliest_first_until_they_leave_the_case(repo):
    open_case(repo)
    open_case(repo, "k0", rules=(replace(PLAN, days=20),), owners=("w1",))
    assert [(d.case_id, d.review_id, d.due, d.updated_at) for d in repo.open_deadlines("w1")] == [
        ("k1", "plan.1", D("2026-11-16"), NOW), ("k0", "plan.1", D("2026-11-23"), NOW),
        ("k1", "review.1", D("2027-03-02"), NOW)]
    existing = repo.records("k1")
    later = NOW + timedelta(hours=1)
    repo.apply(plan_changes("k1", compute_reviews(START, (PLAN,)), existing, ("sw",), START),
               existing, later)
    assert [d.review_id for d in repo.open_deadlines("w1")] == ["plan.1"]  # k0's
    assert [(d.review_id, d.updated_at) for d in repo.open_deadlines("sw")] == [
        ("plan.1", later)]


def test_a_fired_timer_is_found_once_its_hour_has_come(repo):
    open_case(repo)
    eight = datetime(2026, 11, 2, 8, tzinfo=HELSINKI)
    assert repo.due_records(eight - timedelta(seconds=1)) == []
    assert [r.review.id for r in repo.due_records(eight)] == ["plan.1"]


def test_a_notice_is_claimed_once_by_two_sweeps_and_its_notes_queued_once(repo, backend):
    open_case(repo)
    (first,), (second,) = repo.due_records(NOW), repo.due_records(NOW)
    notes = [note(), note(recipient="sw@example.org")]
    assert repo.mark_notice_sent(first, D("2026-11-02"), D("2026-11-13"), notes, NOW) is True
    assert repo.mark_notice_sent(second, D("2026-11-02"), D("2026-11-13"), notes, NOW) is False
    assert backend.queued(notes) == {n.id for n in notes}
    plan = repo.records("k1")["plan.1"]
    assert (plan.last_sent_on, plan.notice_on, plan.version) == (D("2026-11-02"),
                                                                D("2026-11-13"), 2)
    assert repo.due_records(NOW) == []


def test_a_claim_skips_notes_queued_before_and_a_timer_can_stop(repo, backend):
    open_case(repo)
    (record,) = repo.due_records(NOW)
    earlier = note()
    assert repo.mark_notice_sent(record, None, D("2026-11-02"), [], NOW) is True  # early wake
    (record,) = repo.due_records(NOW)
    assert record.last_sent_on is None
    repo.mark_notice_sent(record, D("2026-11-02"), None, [earlier], NOW)
    assert repo.records("k1")["plan.1"].notice_on is None
    assert backend.queued([earlier]) == {earlier.id}


def test_held_meetings_are_the_ones_recorded_held_begun_by_now_as_helsinki_dates(repo, backend):
    held = "held"
    backend.add_meeting("k1", datetime(2026, 11, 3, 22, 30, tzinfo=UTC), outcome=held)  # 4.11.
    backend.add_meeting("k1", datetime(2026, 11, 3, 7, tzinfo=UTC), outcome=held)
    backend.add_meeting("k1", datetime(2026, 11, 5, 7, tzinfo=UTC), status="cancelled")
    for outcome in (None, "no-show", "cancelled-late"):  # not held, or not recorded yet
        backend.add_meeting("k1", datetime(2026, 11, 6, 7, tzinfo=UTC), outcome=outcome)
    backend.add_meeting("k1", datetime(2026, 11, 20, 7, tzinfo=UTC), outcome=held)  # ahead
    backend.add_meeting("k2", datetime(2026, 11, 3, 7, tzinfo=UTC), outcome=held)
    now = datetime(2026, 11, 10, 12, tzinfo=UTC)
    assert repo.held_meetings("k1", now) == [D("2026-11-03"), D("2026-11-04")]
