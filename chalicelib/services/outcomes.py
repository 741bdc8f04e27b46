"""Meeting outcomes (held, no-show, cancelled-late): recorded by staff once a meeting began,
or with a meeting that already took place. Recording a final meeting held sends the
family its feedback link (``services.feedback``) in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor
from chalicelib.domain.appointment import OUTCOMES, Appointment
from chalicelib.domain.directory import Case, place_identity
from chalicelib.domain.errors import Conflict, Rejected
from chalicelib.domain.workdays import local
from chalicelib.services.feedback import feedback_keys, queue_feedback
from chalicelib.store import appointments as store
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get


def outcome_of(value) -> str:
    """Raises Rejected (422) unless ``value`` is one of the outcomes."""
    if value not in OUTCOMES:
        raise Rejected(f"outcome: one of {', '.join(OUTCOMES)}", code="invalid_value",
                       field="outcome")
    return value


def record_outcome(appointment: Appointment, case: Case, outcome: str, by: str,
                   now: datetime) -> Appointment:
    """Record how a booked meeting that has begun went (again: the last word counts).

    Raises:
        Rejected: 422 ``not_started`` for a meeting still ahead.
        Conflict: 409 ``not_booked`` for a cancelled one.
    """
    if not appointment.booked:
        raise Conflict("this appointment is no longer booked", code="not_booked")
    if appointment.start > now:
        raise Rejected("an outcome is recorded once the meeting has begun", code="not_started")
    recorded = replace(appointment, outcome=outcome_of(outcome), updated_at=now)

    def write(tx: Transaction) -> None:
        store.set_outcome(tx, appointment, outcome, by, now)

    try:
        _commit_with_feedback(write, case, recorded, now)
    except TransactionCancelled as cancelled:
        raise Conflict("this appointment is no longer booked", code="not_booked") from cancelled
    return recorded


def record_by_staff(directory, actor: Actor, appointment: Appointment, case: Case,
                    outcome: str, now: datetime) -> Appointment:
    """:func:`record_outcome` for a member of staff (the API's and the console's form),
    written to the case's audit trail as ``appointment.outcome``."""
    recorded = record_outcome(appointment, case, outcome, actor.label(), now)
    directory.add_audit(case.id, now, actor.label(), "appointment.outcome")
    return recorded


def record_past(case: Case, start: datetime, location: str, minutes: int | None, kind: str,
                outcome: str, by: str, now: datetime) -> Appointment:
    """Record a meeting that already took place (its start in the past), with its outcome.

    It holds no calendar locks (its time is gone) and sends no confirmation or reminder;
    it shows in the workers' lists and feeds like any meeting.
    """
    outcome = outcome_of(outcome)
    if location not in case.locations:
        raise Rejected("this location is not one of the case's places", code="bad_location",
                       field="location")
    if start >= now:
        raise Rejected("a recorded meeting started in the past", code="not_in_past",
                       field="start")
    length = minutes or case.meeting_minutes
    meeting = Appointment(
        id="a" + secrets.token_hex(8), case_id=case.id, workers=case.workers,
        start=local(start), end=local(start + timedelta(minutes=length)), location=location,
        place=place_identity(case.id, location), kind=kind, minutes=length, status="booked",
        sequence=0, created_at=now, updated_at=now, booked_by=by, buckets=(),
        rooms=False, outcome=outcome)

    def write(tx: Transaction) -> None:
        store.put_appointment(tx, meeting)

    _commit_with_feedback(write, case, meeting, now)
    return meeting


def _commit_with_feedback(write, case: Case, appointment: Appointment, now: datetime) -> None:
    """``write`` the change, with the feedback message when it is due; when a parallel
    request sent that first, the change alone."""
    items = batch_get(feedback_keys(case), consistent=True)
    for with_feedback in (True, False):
        tx = Transaction()
        write(tx)
        queued = with_feedback and queue_feedback(tx, case, appointment, items, now)
        try:
            tx.commit()
            return
        except TransactionCancelled as cancelled:
            if not (queued and "feedback" in cancelled.failed):
                raise

