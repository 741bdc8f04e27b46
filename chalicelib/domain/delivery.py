"""The delivery state machine of an outbox message: queued → sending → sent | failed.

A delivery claims a message (``sending``) for a lease before calling the provider. A
provider failure puts it back to ``queued`` with exponential backoff; after
:data:`MAX_ATTEMPTS` it is ``failed`` for good (visible, and counted as a metric). A
worker that dies after the provider call leaves ``sending`` with an expired lease: the
message is then sent at most once more (see ``store/deliveries.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 2, 4, 8, 16)
LEASE = timedelta(minutes=5)  # longer than the sweep Lambda's timeout (60 s)
STATUSES = ("queued", "sending", "sent", "failed")


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
