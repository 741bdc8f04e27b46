"""Staff booking on behalf of a family: book, move and cancel, for the API and the console.

``POST /appointments`` and the console's calendar forms call these same functions, so a
worker is refused another pair's case the same way (404 for an unknown case, 403 for one
that is not theirs) before anything about the booking itself is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.access import Actor, require_case_access
from chalicelib.domain.appointment import (AFTER_HOURS_REASONS, KINDS, Appointment,
                                           appointment_view)
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import NotFound, Rejected
from chalicelib.services import booking, outcomes
from chalicelib.services.appointment_access import staff_appointment
from chalicelib.store.directory import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.tx import batch_get

NO_OUTCOME = object()  # not a meeting recorded afterwards (``outcome: null`` is one, refused)


@dataclass(frozen=True)
class StaffBooking:
    """What a member of staff asks for (``minutes``/``kind`` as the case's defaults if
    None; ``after_hours``: a reason code, only for a crisis meeting)."""

    case_id: str
    start: datetime
    location: str
    minutes: int | None = None
    kind: str = "meeting"
    idempotency: str | None = None
    after_hours: str | None = None


def open_case(actor: Actor, case_id: str, extra_keys=()) -> tuple[Case, dict]:
    """The case (if the actor may book for it) and ``extra_keys``: one batch read.

    Raises:
        NotFound: no such case (404). Forbidden: another pair's case (403).
    """
    items = batch_get([case_key(case_id), *extra_keys])
    if case_key(case_id) not in items:
        raise NotFound("no such case")
    case = case_from_plain(items[case_key(case_id)])
    require_case_access(actor, case)
    return case, items


def book(actor: Actor, ask: StaffBooking, now: datetime,
         outcome: object = NO_OUTCOME) -> tuple[int, dict]:
    """Book ``ask`` for the case (or with ``outcome``, record a meeting that took place).

    Returns (status, the appointment's JSON view)."""
    case, items = open_case(actor, ask.case_id, [*booking.office_keys(ask.location),
                                                 *booking.idempotency_keys(ask.case_id,
                                                                           ask.idempotency)])
    if ask.kind not in KINDS:
        raise Rejected(f"kind: one of {', '.join(KINDS)}", code="invalid_value", field="kind")
    if outcome is not NO_OUTCOME:
        made = outcomes.record_past(case, ask.start, ask.location, ask.minutes, ask.kind,
                                    outcome, actor.label(), now)
        return 201, appointment_view(made)
    return booking.book(_request(actor, case, ask), items, now)


def move(actor: Actor, old: Appointment, case: Case, start: datetime, location: str,
         now: datetime) -> tuple[int, dict]:
    """Move ``old`` (opened with ``appointment_access.staff_appointment``) to ``start``
    at ``location``."""
    items = batch_get(booking.office_keys(location))
    ask = StaffBooking(case.id, start, location, old.minutes, old.kind)
    return booking.move(_request(actor, case, ask), old, items, now)


def cancel(actor: Actor, appointment_id: str, now: datetime) -> Appointment:
    """Cancel an appointment of the actor's case (the family is told)."""
    appointment, case = staff_appointment(actor, appointment_id)
    return booking.cancel(appointment, case, now)


def _request(actor: Actor, case: Case, ask: StaffBooking) -> booking.BookingRequest:
    if ask.after_hours is not None and (ask.kind != "crisis"
                                        or ask.after_hours not in AFTER_HOURS_REASONS):
        raise Rejected(f"reason: only a crisis meeting, one of {', '.join(AFTER_HOURS_REASONS)}",
                       code="invalid_value", field="reason")
    return booking.BookingRequest(case=case, start=ask.start, location=ask.location,
                                  booked_by=actor.label(), staff=True, minutes=ask.minutes,
                                  kind=ask.kind, idempotency=ask.idempotency,
                                  any_hour=ask.after_hours is not None)
