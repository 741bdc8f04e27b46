"""Use case: send the appointment reminders that are due (muistutukset tapaamisista).

For each fired timer, one transaction advances the appointment's timer (fenced: still
booked, same sequence, same ``due_at``) and queues the family's reminder in the outbox
with a key naming the appointment, its sequence and the reminder time. So a sweep that
runs twice or in parallel queues it once, and a cancelled or moved appointment queues
nothing for its old time.
"""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain.directory import Case
from chalicelib.domain.notification import Notification
from chalicelib.domain.reminders import (
    ReminderTimer,
    due_reminder,
    next_reminder,
    reminder_times,
)
from chalicelib.store import reminders as timers
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction, TransactionCancelled

log = logging.getLogger("tapaamo.reminders")


def run_reminders(directory, now: datetime, limit: int = 100) -> int:
    """Queue every reminder due at ``now``; returns how many were queued."""
    cases: dict[str, Case | None] = {}
    queued = 0
    for timer in timers.find_due(now, limit):
        if timer.case_id not in cases:
            cases[timer.case_id] = directory.get_case(timer.case_id)
        queued += fire(timer, cases[timer.case_id], now)
    return queued


def fire(timer: ReminderTimer, case: Case | None, now: datetime) -> bool:
    """Advance one appointment's timer and queue its reminder; True if one was queued."""
    times = reminder_times(timer.start, timer.hours)
    send = due_reminder(timer.start, timer.hours, now, timer.index)
    following = next_reminder(timer.start, timer.hours, now,
                              after=timer.index if send is None else send)
    next_at = times[following] if following is not None else None
    note = reminder_note(timer, case, times[send]) if send is not None else None
    tx = Transaction()
    timers.advance_timer(tx, timer, next_at, following)
    if note:
        enqueue(tx, note, now)
    try:
        tx.commit()
    except TransactionCancelled as cancelled:
        if "appointment" in cancelled.failed:
            # Cancelled, moved, or another sweep got there first: send nothing.
            timers.drop_stale_timer(timer)
            return False
        # This very reminder is in the outbox already (a timer set again without a new
        # sequence): queue nothing, but move the timer on so it does not fire forever.
        advance_only = Transaction()
        timers.advance_timer(advance_only, timer, next_at, following)
        advance_only.commit()
        return False
    if note:
        log.info("reminder queued for appointment %s (%s)", timer.appointment_id,
                 times[send].isoformat())
    return note is not None


def reminder_note(timer: ReminderTimer, case: Case | None, at: datetime) -> Notification | None:
    """The family's reminder: SMS when there is a phone, else e-mail, else none."""
    contact = case.contact if case else None
    if contact is None or not (contact.phone or contact.email):
        return None
    channel, recipient = ("sms", contact.phone) if contact.phone else ("email", contact.email)
    return Notification(
        kind="reminder", channel=channel, recipient=recipient,
        dedupe_key=f"reminder:{timer.appointment_id}:{timer.sequence}:{at.isoformat()}",
        language=contact.language,
        params={"start": timer.start.isoformat(), "location": timer.location},
        case_id=timer.case_id,
    )
