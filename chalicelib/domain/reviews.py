"""The review engine: a case's plan and review deadlines from its rules, and their notices.

Pure and idempotent: the same start, rules, completions and held meetings always give the
same reviews with the same ids, so a case can be recomputed whenever anything changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.deadlines import (
    DEFAULT_REMINDER_DAYS,
    add_months,
    deadline_after_days,
    deadline_after_months,
    deadline_after_working_days,
    overdue_date,
    reminder_dates,
)
from chalicelib.domain.errors import Conflict, Rejected
from chalicelib.domain.review_rules import (
    AfterDays,
    AfterMeeting,
    AfterMonths,
    AfterWorkingDays,
    ByEnd,
    Recurring,
    Rule,
)
from chalicelib.domain.workdays import local, next_working_day

HELD = "held"  # the one meeting outcome that counts towards nth-meeting rules


@dataclass(frozen=True)
class ReviewDue:
    """One occurrence of a rule: the ``occurrence``-th review the rule asks for.

    ``id`` is ``"<rule id>.<occurrence>"``: stable across recomputation and rule edits,
    and safe in a URL path. ``reminder_days`` come from the rule: how many days before
    ``due`` a ``review-due`` notice goes out.
    """

    id: str
    rule_id: str
    kind: str
    occurrence: int
    due: date
    earliest: date | None = None
    completed_on: date | None = None
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS

    def status(self, today: date) -> str:
        """``completed``, ``overdue`` (past due), ``due-soon`` (within the first reminder's
        days; 14 without reminders), ``open``."""
        if self.completed_on is not None:
            return "completed"
        if today > self.due:
            return "overdue"
        soon_days = max(self.reminder_days, default=DEFAULT_REMINDER_DAYS[0])
        return "due-soon" if today >= self.due - timedelta(days=soon_days) else "open"


@dataclass(frozen=True)
class PastMeeting:
    """What the review rules need of a case's appointment: when, whether it is still
    booked, and the outcome staff recorded (None until they do)."""

    start: datetime
    status: str
    outcome: str | None


def held_dates(meetings: Iterable[PastMeeting], now: datetime) -> list[date]:
    """Helsinki dates of the meetings that were held, in date order: still booked, begun
    by ``now`` and recorded ``held``. A no-show, a late cancellation or a meeting nobody
    has recorded yet does not count towards a rule such as "the 4th meeting".

    >>> from datetime import UTC
    >>> t = datetime(2026, 11, 3, 22, 30, tzinfo=UTC)
    >>> held_dates([PastMeeting(t, "booked", "held"), PastMeeting(t, "booked", "no-show")],
    ...            t + timedelta(days=1))
    [datetime.date(2026, 11, 4)]
    """
    return sorted(local(m.start).date() for m in meetings
                  if m.status == "booked" and m.outcome == HELD and m.start < now)


@dataclass(frozen=True)
class ReviewNotice:
    """A notification a review deadline asks for: ``review-due`` or ``review-overdue``."""

    kind: str
    on: date


def compute_reviews(
    start: date,
    rules: Sequence[Rule],
    completed: Mapping[str, Sequence[date]] | None = None,
    held_meetings: Sequence[date] = (),
    end: date | None = None,
) -> list[ReviewDue]:
    """Every review the rules ask for so far: the completed ones and the next open one each.

    Args:
        start: the day the service started (the opening day, not counted).
        rules: the service's rules.
        completed: completion dates per rule id; the n-th date completes occurrence n.
            Dates of rules no longer in ``rules`` are ignored.
        held_meetings: local dates of the meetings recorded held (:func:`held_dates`).
        end: the day the service ends, if known; recurring reviews stop there.

    Returns:
        The reviews sorted by due date, then id. A rule that is not triggered yet (too few
        meetings; an end-bound rule without an end) contributes nothing.
    """
    completed = completed or {}
    held = sorted(held_meetings)
    reviews = [
        review
        for rule in rules
        for review in _occurrences(rule, start, sorted(completed.get(rule.id, ())), held, end)
    ]
    return sorted(reviews, key=lambda review: (review.due, review.id))


def check_completion(review: ReviewDue, on: date, today: date, previous: date | None) -> None:
    """Refuse a completion the rules do not allow.

    Args:
        review: the review being completed.
        on: the completion date given (defaults to ``today`` at the caller).
        today: the Helsinki date now.
        previous: the rule's latest earlier completion, if any.

    Raises:
        Conflict: ``already_completed``.
        Rejected: ``future_date``, ``before_previous`` or ``too_early`` (before a
            minimum duration).
    """
    if review.completed_on is not None:
        raise Conflict("this review is already completed", code="already_completed")
    if on > today:
        raise Rejected("a review cannot be completed in the future", code="future_date",
                       field="date")
    if previous is not None and on < previous:
        raise Rejected("the previous review was completed later", code="before_previous",
                       field="date")
    if review.earliest is not None and on < review.earliest:
        raise Rejected(f"not before {review.earliest.isoformat()}", code="too_early", field="date")


def review_notices(due: date, days_before: Iterable[int]) -> tuple[ReviewNotice, ...]:
    """The notices of one deadline in date order: reminders ``days_before`` it (the rule's
    ``reminder_days``), then the overdue notice."""
    reminders = [ReviewNotice("review-due", on) for on in reminder_dates(due, days_before)]
    return (*reminders, ReviewNotice("review-overdue", overdue_date(due)))


def notice_to_send(
    notices: Sequence[ReviewNotice], today: date, last_sent_on: date | None
) -> ReviewNotice | None:
    """The one notice a sweep on ``today`` should send, or None.

    That is the latest notice on or before ``today`` and after the last one sent: a sweep
    that runs late, or a review created close to its deadline, sends one notice, not a burst.
    """
    unsent = [n for n in notices if last_sent_on is None or n.on > last_sent_on]
    eligible = [n for n in unsent if n.on <= today]
    return eligible[-1] if eligible else None


def next_notice_on(notices: Sequence[ReviewNotice], after: date) -> date | None:
    """The first notice date after ``after``: the timer to store on the review item."""
    return next((n.on for n in notices if n.on > after), None)


def _occurrences(
    rule: Rule, start: date, completions: list[date], held: list[date], end: date | None
) -> Iterator[ReviewDue]:
    if isinstance(rule, Recurring):
        yield from _recurring(rule, start, completions, end)
        return
    due = _single_due(rule, start, held, end)
    if due is not None:
        yield _review(rule, 1, due, _earliest(rule, start), completions[0] if completions else None)


def _earliest(rule: Rule, start: date) -> date | None:
    # A minimum duration: the review may not be held before the service has lasted it.
    if isinstance(rule, ByEnd) and rule.min_months is not None:
        return add_months(start, rule.min_months)
    return None


def _single_due(rule: Rule, start: date, held: list[date], end: date | None) -> date | None:
    match rule:
        case AfterDays(days=days):
            return deadline_after_days(start, days)
        case AfterWorkingDays(days=days):
            return deadline_after_working_days(start, days)
        case AfterMonths(months=months):
            return deadline_after_months(start, months)
        case AfterMeeting(meeting=meeting, days=days):
            return deadline_after_days(held[meeting - 1], days) if len(held) >= meeting else None
        case ByEnd(max_months=max_months):
            limits = [] if end is None else [end]
            if max_months is not None:
                limits.append(add_months(start, max_months))
            return next_working_day(min(limits)) if limits else None
    raise TypeError(f"not a rule: {rule!r}")


def _recurring(
    rule: Recurring, start: date, completions: list[date], end: date | None
) -> Iterator[ReviewDue]:
    previous: date | None = None
    period = 0  # for anchor "start": occurrence dates are start + period × months
    for occurrence, done in enumerate([*completions, None], start=1):
        if rule.anchor == "last_completion" and previous is not None:
            raw = add_months(previous, rule.months)
        else:
            period = _next_period(start, rule.months, period, previous)
            raw = add_months(start, period * rule.months)
        if done is None and end is not None and raw > end:
            return  # the service is over: the final review takes the place of this one
        yield _review(rule, occurrence, next_working_day(raw), None, done)
        previous = done


def _next_period(start: date, months: int, period: int, after: date | None) -> int:
    # A late review covers the periods it ran into: the next one is the first after it.
    period += 1
    while after is not None and add_months(start, period * months) <= after:
        period += 1
    return period


def _review(
    rule: Rule, occurrence: int, due: date, earliest: date | None, done: date | None
) -> ReviewDue:
    return ReviewDue(f"{rule.id}.{occurrence}", rule.id, rule.kind, occurrence, due, earliest, done,
                     rule.reminder_days)
