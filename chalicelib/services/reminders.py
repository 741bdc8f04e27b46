"""Use case: send the appointment reminders that are due (muistutukset tapaamisista).

For each fired timer, one transaction advances the timer (fenced: appointment still
booked, same sequence, same ``due_at``) and queues the reminders in the outbox with a key
naming the appointment, its sequence and the reminder time. So a sweep that runs twice or
in parallel queues them once, and a cancelled or moved appointment queues nothing for its
old time. A family timer reminds the family (its language, on its channels: by default
SMS, or e-mail without a phone) with a fresh link to its page; a
workers' timer reminds each of the appointment's workers in Finnish (SMS, else e-mail,
as escalation pages reach them), with the case code and never the family's name. A
group session's timer reminds each family seated in it, and its workers' timer the
group's leaders (with the group's code).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from chalicelib.domain.directory import Case, Worker
from chalicelib.domain.groups import is_group_id
from chalicelib.domain.notification import Notification
from chalicelib.domain.reminders import (
    ReminderTimer,
    due_reminder,
    next_reminder,
    reminder_times,
)
from chalicelib.jobs import each_record
from chalicelib.services.links import family_link
from chalicelib.services.seats import seated_families
from chalicelib.store import reminders as timers
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction, TransactionCancelled

log = logging.getLogger("tapaamo.reminders")


def run_reminders(directory, now: datetime, limit: int = 100) -> int:
    """Queue every reminder due at ``now``; returns how many were queued.

    A family's reminder keeps a reference to its link; the sender makes the link
    (``services/message_links.py``).
    """
    cases: dict[str, Case | None] = {}

    def remind(timer: ReminderTimer) -> bool:
        if timer.case_id not in cases:
            cases[timer.case_id] = directory.get_case(timer.case_id)
        case = cases[timer.case_id]
        # A group session's case id is its group's: it reminds every seated family.
        families = [case] if case else seated_families(timer.case_id, timer.appointment_id)
        workers = directory.get_workers(timer.workers) if timer.audience == "workers" else {}
        return fire(timer, families, now, workers)

    # A timer that fails is skipped and reported; it is still due on the next sweep.
    return sum(each_record("reminders", timers.find_due(now, limit), remind,
                           lambda timer: timer.appointment_id, now))


def fire(timer: ReminderTimer, families: Sequence[Case], now: datetime,
         workers: Mapping[str, Worker] | None = None) -> bool:
    """Advance one timer and queue its reminders; True if any was queued.

    ``families``: whom a family timer reminds (the case; a group's seated families).
    ``workers``: the appointment's workers by id (a workers' timer only).
    """
    times = reminder_times(timer.start, timer.hours, timer.quiet)
    send = due_reminder(timer.start, timer.hours, now, timer.index, timer.quiet)
    following = next_reminder(timer.start, timer.hours, now,
                              after=timer.index if send is None else send, quiet=timer.quiet)
    next_at = times[following] if following is not None else None
    tx = Transaction()
    notes = [] if send is None else (
        worker_notes(timer, workers or {}, times[send]) if timer.audience == "workers"
        else _family_notes(tx, timer, families, times[send], now))
    timers.advance_timer(tx, timer, next_at, following)
    for note in notes:
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
    if notes:
        log.info("%s reminder queued for appointment %s (%s)", timer.audience,
                 timer.appointment_id, times[send].isoformat())
    return bool(notes)


def _family_notes(tx: Transaction, timer: ReminderTimer, families: Sequence[Case],
                  at: datetime, now: datetime) -> list[Notification]:
    notes = [n for case in families for n in family_reminders(tx, timer, case, at, now)]
    return list({note.id: note for note in notes}.values())  # one per phone or address


def family_reminders(tx: Transaction, timer: ReminderTimer, case: Case | None, at: datetime,
                     now: datetime) -> list[Notification]:
    """The family's reminder on each of its channels, with a link to its page (added to
    ``tx``); none when the case is gone or has no phone and no e-mail."""
    destinations = case.contact.destinations() if case else []
    if not destinations:
        return []
    ref = family_link(tx, case, now, until=timer.start)
    return [Notification(
        kind="reminder", channel=channel, recipient=recipient,
        dedupe_key=f"reminder:{timer.appointment_id}:{timer.sequence}:{at.isoformat()}",
        language=case.contact.language,
        params={"start": timer.start.isoformat(), "location": timer.location, "link_ref": ref},
        case_id=case.id,
    ) for channel, recipient in destinations]


def worker_notes(timer: ReminderTimer, workers: Mapping[str, Worker], at: datetime
                 ) -> list[Notification]:
    """One Finnish reminder per worker of the appointment (a group session's leaders:
    the group's text): SMS to a phone, else e-mail (a worker with neither, or no longer in
    the directory, gets none)."""
    notes = {}  # by id: two workers sharing one phone get one message
    # A group session's leaders read the group's code, not a case's.
    group = {"audience": "group"} if is_group_id(timer.case_id) else {}
    for worker in (workers.get(w) for w in timer.workers):
        if worker is None or not (worker.phone or worker.email):
            continue
        channel, recipient = ("sms", worker.phone) if worker.phone else ("email", worker.email)
        note = Notification(
            kind="worker-reminder", channel=channel, recipient=recipient,
            dedupe_key=f"worker-reminder:{timer.appointment_id}:{timer.sequence}:"
                       f"{at.isoformat()}",
            params={"code": timer.case_id, "start": timer.start.isoformat(),
                    "location": timer.location} | group, case_id=timer.case_id)
        notes[note.id] = note
    return list(notes.values())
