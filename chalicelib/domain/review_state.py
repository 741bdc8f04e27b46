"""A case's reviews as stored: each deadline with its owners and notice timer, the
changes that bring the stored set in line with a fresh computation, and the queued
recompute of a service's cases after its rules change.

The engine (``reviews.compute_reviews``) says what is due; this module decides what to
write. Pure: ``today`` is an argument, and the same inputs give the same changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from chalicelib.domain.reviews import ReviewDue, next_notice_on, review_notices
from chalicelib.domain.workdays import at_local

NOTICE_HOUR = 8  # notices go out at the start of the Helsinki working day


@dataclass(frozen=True)
class ReviewRecord:
    """One review of one case as stored.

    ``owners`` are the workers whose feeds show it and who get its reminders (the case's
    workers and responsible social worker). ``notice_on`` is the timer: the day a sweep
    should look at it again (None once every notice is sent or it is completed).
    ``version`` is the fencing token of the timer.
    """

    case_id: str
    review: ReviewDue
    owners: tuple[str, ...] = ()
    last_sent_on: date | None = None
    notice_on: date | None = None
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.review.completed_on is None


@dataclass(frozen=True)
class Deadline:
    """An open review deadline as a worker's feed shows it (no names, a case code).

    ``updated_at`` is when the review's record was last written (the feed's DTSTAMP).
    """

    case_id: str
    review_id: str
    kind: str
    due: date
    updated_at: datetime


@dataclass(frozen=True)
class ReviewChanges:
    """What to write: records to put (insert or replace) and records to delete.

    Each record in ``puts`` carries the version it replaces (0 for a new one).
    """

    puts: tuple[ReviewRecord, ...] = ()
    deletes: tuple[ReviewRecord, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.puts or self.deletes)


@dataclass(frozen=True)
class RecomputeJob:
    """A queued recompute of every case of ``service`` after its rules were edited.

    ``version`` counts the edits and fences the job: an edit while it runs starts it over
    with the new rules. ``after`` is the last case id recomputed (cases go in id order),
    None before the first page.
    """

    service: str
    version: int
    after: str | None = None


def next_page(case_ids: Iterable[str], after: str | None, size: int) -> list[str]:
    """The first ``size`` case ids after ``after``, in id order (the job's next page).

    >>> next_page(["k3", "k1", "k2"], "k1", 5)
    ['k2', 'k3']
    """
    ordered = sorted(set(case_ids))
    start = 0 if after is None else bisect_right(ordered, after)
    return ordered[start:start + size]


def completions_of(records: Iterable[ReviewRecord]) -> dict[str, list[date]]:
    """Completion dates per rule id in occurrence order: the engine's ``completed``."""
    done = sorted((r.review.rule_id, r.review.occurrence, r.review.completed_on)
                  for r in records if r.review.completed_on is not None)
    completions: dict[str, list[date]] = {}
    for rule_id, _, on in done:
        completions.setdefault(rule_id, []).append(on)
    return completions


def notice_timer(review: ReviewDue, last_sent_on: date | None, today: date) -> date | None:
    """The day a sweep should next look at an open review, never before ``today``.

    A notice date already past but not sent becomes today: the sweep then sends the
    latest notice due, once (``reviews.notice_to_send``). Notices on or before
    ``last_sent_on`` are never due again, so new reminder days do not repeat a sent one.
    """
    notices = review_notices(review.due, review.reminder_days)
    upcoming = next_notice_on(notices, last_sent_on or date.min)
    return None if upcoming is None else max(upcoming, today)


def timer_instant(notice_on: date) -> datetime:
    """When on ``notice_on`` the sweep acts: the start of the Helsinki working day."""
    return at_local(notice_on, NOTICE_HOUR)


def plan_changes(
    case_id: str,
    computed: Sequence[ReviewDue],
    existing: Mapping[str, ReviewRecord],
    owners: Sequence[str],
    today: date,
) -> ReviewChanges:
    """The writes that make the stored records match ``computed``.

    Args:
        case_id: the case.
        computed: ``compute_reviews`` output for the case now.
        existing: the stored records by review id.
        owners: the case's workers and social worker.
        today: the Helsinki date now (timers never point into the past).

    Returns:
        Changed or new records to put, and open records no rule asks for any more to
        delete. Completed records of removed rules are kept: they are history.
    """
    puts = []
    for review in computed:
        old = existing.get(review.id)
        wanted = _record(case_id, review, tuple(owners), old, today)
        if old is None or replace(old, version=0) != replace(wanted, version=0):
            puts.append(wanted)
    ids = {review.id for review in computed}
    deletes = [record for rid, record in sorted(existing.items())
               if rid not in ids and record.is_open]
    return ReviewChanges(tuple(puts), tuple(deletes))


def _record(case_id: str, review: ReviewDue, owners: tuple[str, ...],
            old: ReviewRecord | None, today: date) -> ReviewRecord:
    last_sent = old.last_sent_on if old else None
    timer = None if review.completed_on else notice_timer(review, last_sent, today)
    return ReviewRecord(case_id, review, owners if review.completed_on is None else (),
                        last_sent, timer, old.version if old else 0)
