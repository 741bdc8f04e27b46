"""A case's appointments as the routes read them: the family's list, one appointment a
worker opens, and what a staff booking reads before it books (one round trip each)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Actor, require_case_access
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import NotFound
from chalicelib.store import appointments as store
from chalicelib.store.directory_items import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.tx import batch_get


def listed(case_id: str, since: datetime) -> list[Appointment]:
    """The case's appointments starting at or after ``since``, by start."""
    return store.case_appointments(case_id, since)


def appointment_keys(appointment_id: str | None) -> list[tuple[str, str]]:
    """What to read with a link to find its own appointment ``appointment_id`` (if any)."""
    return [store.appointment_key(appointment_id)] if appointment_id else []


def for_staff_booking(actor: Actor, case_id: str, extra_keys: list) -> tuple[Case, dict]:
    """The case a worker books for and ``extra_keys`` (office, idempotency record), read
    together.

    Raises:
        NotFound: no such case, or not the actor's (404).
    """
    items = batch_get([case_key(case_id), *extra_keys])
    if case_key(case_id) not in items:
        raise NotFound("no such case")
    case = case_from_plain(items[case_key(case_id)])
    require_case_access(actor, case)
    return case, items


def staff_appointment(actor: Actor, appointment_id: str) -> tuple[Appointment, Case]:
    """An appointment and its case, if the actor may see the case (else 404)."""
    item = batch_get([store.appointment_key(appointment_id)]).get(
        store.appointment_key(appointment_id))
    if item is None:
        raise NotFound("no such appointment")
    appointment = store.appointment_from_item(item)
    case_item = batch_get([case_key(appointment.case_id)]).get(case_key(appointment.case_id))
    if case_item is None:
        raise NotFound("no such appointment")
    case = case_from_plain(case_item)
    require_case_access(actor, case)
    return appointment, case
