"""A message to send (SMS or e-mail), as the outbox stores it before delivery.

Kinds (DESIGN.md §2): confirmation, cancellation, reminder, escalation,
escalation-received, escalation-fallback, review-due, review-overdue, oncall-gap; and
worker-reminder (a meeting reminder to its workers, when the case sets
``worker_reminders``; a kind of its own because quiet hours apply to ``reminder`` only);
feedback (the service's survey link after the final meeting) and group-seat (a seat in a
peer-support group came free for a family in line).
``params`` carry only what the template needs (time, place, a link, a short code):
never names, case details or the family's message text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

KINDS = (
    "confirmation", "cancellation", "reminder", "worker-reminder", "escalation", "escalation-received",
    "escalation-fallback", "review-due", "review-overdue", "oncall-gap", "feedback", "group-seat",
)
CHANNELS = ("sms", "email")


@dataclass(frozen=True)
class Notification:
    """One message to one recipient.

    ``dedupe_key`` names the event it is about (e.g. ``"reminder:<appointment>:<at>"``);
    the outbox id is derived from it, so the same event can never be queued twice.
    """

    kind: str
    channel: str
    recipient: str
    dedupe_key: str
    language: str = "fi"
    params: dict = field(default_factory=dict)
    case_id: str | None = None
    escalation_id: str | None = None
    not_before: datetime | None = None

    @property
    def id(self) -> str:
        return hashlib.sha256(f"{self.channel}|{self.recipient}|{self.dedupe_key}".encode()
                              ).hexdigest()[:24]


def one_channel(phone: str | None, email: str | None) -> tuple[str, str] | None:
    """Where a one-off family message goes: ``("sms", phone)`` when there is a phone, else
    ``("email", address)``; None when the family left neither.

    >>> one_channel("+358401234567", "a@example.org")
    ('sms', '+358401234567')
    """
    if phone:
        return "sms", phone
    return ("email", email) if email else None
