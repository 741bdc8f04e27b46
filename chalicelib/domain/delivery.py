"""The delivery state machine of an outbox message: queued → sending → sent | failed.

A delivery claims a message (``sending``) for a lease before calling the provider. A
provider failure puts it back to ``queued`` with exponential backoff; after
:data:`MAX_ATTEMPTS` it is ``failed`` for good (visible, and counted as a metric). A
worker that dies after the provider call leaves ``sending`` with an expired lease: the
message is then sent at most once more (see ``store/deliveries.py``).

A family's SMS reminder never goes out in the quiet hours 21:00–08:00 Helsinki, also when
it is late (a retry, a sweep that was down): :func:`before_send` and :func:`after_failure`
hold it to 08:00 while that is still before the meeting, and give it up (``failed``, with
the reason, counted) when it is not. Waking a family at night breaks the promise quiet
hours make; a reminder after the meeting began helps nobody; and the family already has
the booking confirmation, so a missing reminder costs less than either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.reminders import in_quiet_hours, morning_after

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 2, 4, 8, 16)
LEASE = timedelta(minutes=5)  # longer than the sweep Lambda's timeout (60 s)
# An on-call page claimed by a sender that then died must go out again within seconds,
# not after the escalation's next step (a claim is taken just before the one provider
# call, whose timeouts are well under this).
PAGE_LEASE = timedelta(seconds=20)
STATUSES = ("queued", "sending", "sent", "failed", "dropped")


def lease_of(kind: str) -> timedelta:
    """How long a claim of a message of ``kind`` holds before another sender may take it.

    >>> lease_of("escalation").seconds, lease_of("reminder").seconds
    (20, 300)
    """
    return PAGE_LEASE if kind == "escalation" else LEASE


@dataclass(frozen=True)
class Delivery:
    """An outbox message as a sweep sees it."""

    id: str
    kind: str
    channel: str
    recipient: str
    language: str
    status: str
    attempts: int
    due_at: datetime | None
    created_at: datetime
    params: dict = field(default_factory=dict)
    case_id: str | None = None
    escalation_id: str | None = None
    sent_at: datetime | None = None
    provider_id: str | None = None
    last_error: str | None = None
    recovered: bool = False


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries, or None when out of attempts.

    >>> from datetime import UTC
    >>> t = datetime(2026, 12, 1, 9, tzinfo=UTC)
    >>> [retry_at(n, t).minute if retry_at(n, t) else None for n in range(1, 7)]
    [1, 2, 4, 8, 16, None]
    """
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


@dataclass(frozen=True)
class Postpone:
    """Not now: try again ``at``, or (``at`` None) give up for good; ``reason`` is recorded."""

    at: datetime | None
    reason: str


def is_family_sms_reminder(note: Delivery) -> bool:
    """The messages quiet hours are for (workers' reminders have their own kind)."""
    return note.kind == "reminder" and note.channel == "sms"


def quiet_hours_hold(note: Delivery, wanted: datetime) -> Postpone | None:
    """Whether a send wanted at ``wanted`` must wait (or be dropped); None: send then.

    >>> from datetime import UTC
    >>> note = Delivery("n", "reminder", "sms", "+358401234567", "fi", "queued", 1, None,
    ...                 datetime(2026, 12, 1, tzinfo=UTC),
    ...                 {"start": "2026-12-02T09:00:00+02:00"})
    >>> quiet_hours_hold(note, datetime(2026, 12, 1, 19, 16, tzinfo=UTC)).at.isoformat()
    '2026-12-02T08:00:00+02:00'
    """
    if not is_family_sms_reminder(note):
        return None
    meeting = datetime.fromisoformat(note.params["start"])
    if wanted >= meeting:
        return Postpone(None, "not sent: the meeting has begun")
    if not in_quiet_hours(wanted):
        return None
    morning = morning_after(wanted)
    if morning < meeting:
        return Postpone(morning, f"quiet hours 21-08 Helsinki: held until {morning.isoformat()}")
    return Postpone(None, "not sent: quiet hours 21-08 Helsinki last until the meeting")


def before_send(note: Delivery, now: datetime) -> Postpone | None:
    """Whether a claimed message must not go out ``now``; None: send it."""
    return quiet_hours_hold(note, now)


def after_failure(note: Delivery, error: str, permanent: bool, now: datetime) -> Postpone:
    """What follows a failed attempt: a retry with backoff (held out of quiet hours for a
    family reminder), or giving up (``at`` None) with a reason that names the error."""
    at = None if permanent else retry_at(note.attempts, now)
    if at is None:
        return Postpone(None, error)
    hold = quiet_hours_hold(note, at)
    if hold is None:
        return Postpone(at, error)
    return Postpone(hold.at, f"{error}; {hold.reason}")
