"""A message to send (SMS or e-mail), as the outbox stores it before delivery.

Kinds: confirmation, rescheduled (a move: old time and new time in one message),
cancellation, reminder, booking-link, escalation, escalation-received,
escalation-fallback, review-due, review-overdue, oncall-gap; page-reply (the answer to
an on-call worker's SMS reply that did nothing, ``services/phone_replies.py``); and
worker-reminder (a meeting reminder to its workers, when the case sets
``worker_reminders``; a kind of its own because quiet hours apply to ``reminder`` only);
feedback (the service's survey link
after the final meeting) and group-seat (a seat in a peer-support group came free for a
family in line); swap-accepted (to a worker whose shift swap another worker took,
``services/swaps.py``); outcome-digest (the morning list of a worker's meetings still without
an outcome: a count and case codes). ``params`` carry only what the text needs (time, place,
a link, a short
code): never names, case details or the family's message text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

KINDS = (
    "confirmation", "rescheduled", "cancellation", "reminder", "booking-link",
    "worker-reminder", "escalation", "escalation-received", "escalation-fallback",
    "review-due", "review-overdue", "oncall-gap", "feedback", "group-seat", "page-reply",
    "swap-accepted", "outcome-digest",
)


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

