"""Review use cases: rules per service, a case's reviews, completing one, and the sweeps
that send reminders and overdue notices (docs/domain.md §2, docs/architecture.md §5)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.directory import SERVICES, Case
from chalicelib.domain.errors import Conflict, NotFound, Rejected
from chalicelib.domain.notification import Notification
from chalicelib.domain.review_rules import DEFAULT_RULES, Rule, rules_from_payload
from chalicelib.domain.review_state import (
    RecomputeJob,
    ReviewRecord,
    completions_of,
    next_page,
    plan_changes,
)
from chalicelib.domain.reviews import (
    ReviewDue,
    check_completion,
    compute_reviews,
    next_notice_on,
    notice_to_send,
    review_notices,
)
from chalicelib.domain.workdays import local
from chalicelib.services.directory import read_case
from chalicelib.jobs import each_record

log = logging.getLogger("tapaamo.reviews")
ATTEMPTS = 3  # a recompute that loses a race reloads and tries again
PAGE_SIZE = 25  # cases per page of a recompute job
MAX_PAGES = 20  # pages per sweep (~500 cases a minute); the next sweep goes on from there


def rules_for(reviews, service: str) -> tuple[Rule, ...]:
    """The service's stored rules, or its defaults when none are stored."""
    if service not in SERVICES:
        raise NotFound("no such service")
    stored = reviews.get_rules(service)
    return DEFAULT_RULES[service] if stored is None else stored


def put_rules(reviews, actor: Actor, service: str, body, now: datetime) -> tuple[Rule, ...]:
    """Replace a service's rules and queue the recompute of its cases' open reviews.

    The recompute runs in the review sweep (:func:`run_recompute_jobs`); until then a
    case's reviews are recomputed whenever they are read.
    """
    require_coordinator(actor)
    rules_for(reviews, service)  # 404 for an unknown service, before the body is judged
    rules = rules_from_payload(body)
    reviews.put_rules(service, rules, now, actor.label())
    return rules


def run_recompute_jobs(reviews, directory, now: datetime, max_pages: int = MAX_PAGES,
                       page_size: int = PAGE_SIZE) -> int:
    """Recompute the cases of every service whose rules were edited, a page at a time.

    Each page is recorded on the job before the next, so a sweep that stops half-way
    (timeout, crash) is continued by the next one, and a page done twice writes nothing
    new. Returns how many cases were recomputed.
    """
    return sum(_run_job(reviews, directory, job, now, max_pages, page_size)
               for job in reviews.due_jobs(now))


def _run_job(reviews, directory, job: RecomputeJob, now: datetime, max_pages: int,
             page_size: int) -> int:
    rules, case_ids, done = rules_for(reviews, job.service), directory.case_ids(job.service), 0
    recompute = _recomputer(reviews, directory, job.service, rules, now)
    for _ in range(max_pages):
        page = next_page(case_ids, job.after, page_size)
        done += sum(each_record("review-recompute-job", page, recompute, str, now))
        if len(page) < page_size:
            reviews.finish_job(job)
            return done
        job = reviews.advance_job(job, page[-1], now)
        if job is None:  # another sweep is ahead, or the rules changed: it starts over
            return done
    return done


def case_reviews(reviews, directory, actor: Actor, case_id: str, now: datetime
                 ) -> list[ReviewDue]:
    """A case's reviews, brought up to date with its meetings first (audited read)."""
    case = read_case(directory, actor, case_id, now, action="reviews.read")
    try:
        return sync_case(reviews, case, now)
    except OverflowError as error:
        # Saved before start dates were bounded (e.g. 9999-12-31): say what to correct.
        raise Rejected("the case's start_date is out of range; correct it with PATCH",
                       code="invalid_value", field="start_date") from error


def complete_review(reviews, directory, actor: Actor, case_id: str, review_id: str,
                    on: date | None, now: datetime) -> tuple[ReviewDue, ReviewDue | None]:
    """Complete one review; a recurring rule's next review is counted from ``on``.

    Returns:
        The completed review and the rule's next one (None when the rule has no next).

    Raises:
        NotFound: no such case (or not the actor's) or no such review.
        Conflict: ``already_completed``. Rejected: see ``reviews.check_completion``.
    """
    case = read_case(directory, actor, case_id, now, action="reviews.complete")
    today = local(now).date()
    on = on or today
    rules, held = rules_for(reviews, case.service), reviews.held_meetings(case.id, now)

    def attempt():
        existing = reviews.records(case.id)
        completions = completions_of(existing.values())
        review = _find(compute_reviews(case.start_date, rules, completions, held), review_id)
        earlier = completions.get(review.rule_id, [])
        check_completion(review, on, today, earlier[-1] if earlier else None)
        completions[review.rule_id] = [*earlier, on]
        after = compute_reviews(case.start_date, rules, completions, held)
        reviews.apply(plan_changes(case.id, after, existing, _owners(case), today), existing,
                      now)
        following = [r for r in after if r.rule_id == review.rule_id and r.completed_on is None]
        return _find(after, review_id), (following[0] if following else None)

    return _retrying(attempt)


def sync_case(reviews, case: Case, now: datetime, rules: Sequence[Rule] | None = None
              ) -> list[ReviewDue]:
    """Recompute a case's reviews and store what changed; returns the computed reviews."""
    rules = rules_for(reviews, case.service) if rules is None else rules
    held, today = reviews.held_meetings(case.id, now), local(now).date()

    def attempt():
        existing = reviews.records(case.id)
        computed = compute_reviews(case.start_date, rules, completions_of(existing.values()),
                                   held)
        reviews.apply(plan_changes(case.id, computed, existing, _owners(case), today), existing,
                      now)
        return computed

    return _retrying(attempt)


def case_changed(reviews, case: Case, now: datetime, rules: Sequence[Rule] | None = None
                 ) -> None:
    """Hook for the directory (a case was opened or changed) and the recompute jobs.

    A lost race is only logged: the next read or the daily recompute catches up, and the
    case change itself has been saved.
    """
    try:
        sync_case(reviews, case, now, rules)
    except Conflict:
        log.warning("reviews of case %s not recomputed after a change (busy)", case.id)


def recompute_all(reviews, directory, now: datetime) -> int:
    """The daily recompute: meetings held since yesterday may trigger nth-meeting rules.

    A case that fails (bad data saved before validation) is skipped and reported; the
    cases after it are still recomputed. Returns how many were.
    """
    count = 0
    for service in SERVICES:
        recompute = _recomputer(reviews, directory, service, rules_for(reviews, service), now)
        count += sum(each_record("review-recompute", directory.case_ids(service), recompute,
                                 str, now))
    return count


def _recomputer(reviews, directory, service: str, rules: Sequence[Rule], now: datetime):
    """``recompute(case_id)``: one case of ``service`` (False: gone, or moved to another
    service since the index was read)."""
    def recompute(case_id: str) -> bool:
        case = _case_of(directory, service, case_id)
        if case is not None:
            case_changed(reviews, case, now, rules)
        return case is not None

    return recompute


def send_due_notices(reviews, directory, coordinators: Sequence[str], now: datetime) -> int:
    """The sweep: send each fired review timer's notice once; returns how many were claimed.

    A timer that fails is skipped and reported; it fires again on the next sweep.
    """
    return sum(each_record(
        "review-notices", reviews.due_records(now),
        lambda record: send_notice(reviews, directory, coordinators, record, now),
        lambda record: f"{record.case_id}/{record.review.id}", now))


def send_notice(reviews, directory, coordinators: Sequence[str], record: ReviewRecord,
                now: datetime) -> bool:
    """Claim one fired timer and queue its notice (False: another sweep had claimed it)."""
    today = local(now).date()
    notices = review_notices(record.review.due, record.review.reminder_days)
    notice = notice_to_send(notices, today, record.last_sent_on)
    if notice is None:  # woken early: only move the timer on
        return reviews.mark_notice_sent(record, None, next_notice_on(notices, today), (), now)
    notes = _notes(record, notice.kind, notice.on, directory, coordinators)
    if notice.kind == "review-overdue" and not coordinators:
        log.warning("review %s of case %s is overdue; TAPAAMO_COORDINATOR_EMAIL is not set",
                    record.review.id, record.case_id)
    return reviews.mark_notice_sent(record, notice.on, next_notice_on(notices, notice.on),
                                    notes, now)


def _notes(record: ReviewRecord, kind: str, on: date, directory,
           coordinators: Sequence[str]) -> list[Notification]:
    if kind == "review-overdue":
        # Coordinators are configured by address only: they read Finnish.
        recipients = [("email", address, "fi") for address in coordinators]
    else:
        workers = directory.get_workers(record.owners)
        # E-mail suits a deadline weeks away; SMS only for staff without an address.
        recipients = [("email", w.email, w.language) if w.email else ("sms", w.phone, w.language)
                      for w in (workers[i] for i in sorted(workers)) if w.email or w.phone]
    review = record.review
    params = {"review": review.kind, "due": review.due.isoformat(), "code": record.case_id}
    key = f"{kind}:{record.case_id}:{review.id}:{on.isoformat()}"
    return [Notification(kind, channel, recipient, key, language=language, params=params,
                         case_id=record.case_id)
            for channel, recipient, language in sorted(set(recipients))]


def _case_of(directory, service: str, case_id: str) -> Case | None:
    case = directory.get_case(case_id)
    # The index is eventually consistent: a case may have just moved to another service.
    return case if case is not None and case.service == service else None


def _owners(case: Case) -> tuple[str, ...]:
    people = [*case.workers, *([case.social_worker] if case.social_worker else [])]
    return tuple(dict.fromkeys(people))


def _find(reviews: Sequence[ReviewDue], review_id: str) -> ReviewDue:
    for review in reviews:
        if review.id == review_id:
            return review
    raise NotFound("no such review")


def _retrying(attempt):
    # Each attempt reloads, so a lost race is retried on fresh data; other conflicts
    # (already_completed) are answers, not races.
    for remaining in range(ATTEMPTS - 1, -1, -1):
        try:
            return attempt()
        except Conflict as error:
            if error.code != "concurrent_update" or not remaining:
                raise
