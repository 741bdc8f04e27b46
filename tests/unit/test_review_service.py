"""Review use cases on the in-memory twins: queued recomputes after a rule edit, and
reminder days that move the notices of open reviews."""

from datetime import date, datetime, timedelta

import pytest

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case, Contact, Worker
from chalicelib.domain.review_rules import DEFAULT_RULES, rules_to_payload
from chalicelib.domain.workdays import HELSINKI
from chalicelib.services import reviews as use
from chalicelib.store.memory_directory import InMemoryDirectory
from chalicelib.store.memory_reviews import InMemoryReviews

BOSS = Actor("test", "coordinator")
OPENED = datetime(2026, 11, 2, 10, tzinfo=HELSINKI)  # Monday; the plan is due Monday 16.11.


def hki(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


@pytest.fixture
def directory():
    people = InMemoryDirectory()
    people.put_worker(Worker("w1", "X", "w1@example.org", None, None, ()))
    return people


@pytest.fixture
def reviews():
    return InMemoryReviews()


def open_cases(directory, reviews, count, service="perhetyo"):
    for n in range(count):
        case = directory.save_case(Case(f"k{n:02d}", service, ("w1",), date(2026, 11, 2), 90, 1,
                                        ("home",), Contact(None, None, "fi")))
        use.case_changed(reviews, case, OPENED)


def plan_days(days, reminder_days=None):
    """The perhetyo defaults with the plan due ``days`` after the start."""
    rules = rules_to_payload(DEFAULT_RULES["perhetyo"])["rules"]
    rules[0] = {**rules[0], "days": days}
    if reminder_days is not None:
        rules[0]["reminder_days"] = reminder_days
    return {"rules": rules}


def plan_dues(reviews, directory):
    return {case_id: reviews.records(case_id)["plan.1"].review.due.isoformat()
            for case_id in directory.case_ids("perhetyo")}


def test_a_rule_edit_only_queues_the_recompute_which_a_sweep_runs_page_by_page(
        directory, reviews):
    open_cases(directory, reviews, 7)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(30), OPENED)
    assert set(plan_dues(reviews, directory).values()) == {"2026-11-16"}
    assert use.run_recompute_jobs(reviews, directory, OPENED, page_size=3) == 7
    assert set(plan_dues(reviews, directory).values()) == {"2026-12-02"}
    assert reviews.due_jobs(OPENED + timedelta(minutes=1)) == []


def test_a_sweep_that_stops_half_way_is_continued_from_its_last_page_by_the_next(
        directory, reviews):
    open_cases(directory, reviews, 7)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(30), OPENED)
    assert use.run_recompute_jobs(reviews, directory, OPENED, max_pages=1, page_size=3) == 3
    assert [job.after for job in reviews.due_jobs(OPENED)] == ["k02"]
    assert list(plan_dues(reviews, directory).values()).count("2026-12-02") == 3
    assert use.run_recompute_jobs(reviews, directory, OPENED, page_size=3) == 4
    assert set(plan_dues(reviews, directory).values()) == {"2026-12-02"}


def test_an_edit_while_a_recompute_runs_starts_it_over_with_the_new_rules(directory, reviews):
    open_cases(directory, reviews, 5)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(30), OPENED)
    use.run_recompute_jobs(reviews, directory, OPENED, max_pages=1, page_size=2)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(21), OPENED)
    assert use.run_recompute_jobs(reviews, directory, OPENED, page_size=2) == 5
    assert set(plan_dues(reviews, directory).values()) == {"2026-11-23"}


def test_a_recompute_run_again_changes_nothing(directory, reviews):
    open_cases(directory, reviews, 2)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(30), OPENED)
    (job,) = reviews.due_jobs(OPENED)
    use.run_recompute_jobs(reviews, directory, OPENED)
    before = {cid: reviews.records(cid) for cid in directory.case_ids("perhetyo")}
    reviews.jobs["perhetyo"] = (job, OPENED)  # as if the finished job were delivered again
    assert use.run_recompute_jobs(reviews, directory, OPENED) == 2
    assert {cid: reviews.records(cid) for cid in directory.case_ids("perhetyo")} == before


def sweep(reviews, directory, when: str) -> list[tuple[str, str]]:
    """Run the minute sweep at ``when``; the (kind, dedupe day) of the notes it queued."""
    queued = set(reviews.outbox)
    now = hki(when)
    use.run_recompute_jobs(reviews, directory, now)
    use.send_due_notices(reviews, directory, ("boss@example.org",), now)
    return sorted((note.kind, note.dedupe_key.rsplit(":", 1)[1])
                  for nid, note in reviews.outbox.items() if nid not in queued)


def test_new_reminder_days_reschedule_the_pending_notice_and_never_repeat_a_sent_one(
        directory, reviews):
    open_cases(directory, reviews, 1)
    assert sweep(reviews, directory, "2026-11-02T10:01") == [("review-due", "2026-11-02")]
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(14, [7, 14]), hki("2026-11-03T09:00"))
    assert sweep(reviews, directory, "2026-11-03T09:01") == []
    assert reviews.records("k00")["plan.1"].notice_on == date(2026, 11, 9)
    assert sweep(reviews, directory, "2026-11-09T08:00") == [("review-due", "2026-11-09")]
    assert sweep(reviews, directory, "2026-11-09T08:01") == []
    assert sweep(reviews, directory, "2026-11-13T08:00") == []  # no 3-day reminder any more
    assert sweep(reviews, directory, "2026-11-17T08:00") == [("review-overdue", "2026-11-17")]


def test_parallel_sweeps_after_an_edit_send_the_rescheduled_notice_once(directory, reviews):
    open_cases(directory, reviews, 1)
    use.put_rules(reviews, BOSS, "perhetyo", plan_days(14, [10]), OPENED)
    use.run_recompute_jobs(reviews, directory, OPENED)
    now = hki("2026-11-06T08:00")  # 10 days before 16.11.
    first, second = reviews.due_records(now), reviews.due_records(now)
    claims = [use.send_notice(reviews, directory, (), record, now)
              for record in (*first, *second)]
    assert claims == [True, False]
    assert [n.dedupe_key for n in reviews.outbox.values()] == [
        "review-due:k00:plan.1:2026-11-06"]
