"""An appointment as staff reach it: with its case, or 404 when the case is not theirs."""

from __future__ import annotations

from chalicelib.domain.access import Actor, require_case_access
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import NotFound
from chalicelib.store.appointments import appointment_from_item, appointment_key
from chalicelib.store.directory import case_key
from chalicelib.store.links import case_from_plain
from chalicelib.store.tx import batch_get


def staff_appointment(actor: Actor, appointment_id: str) -> tuple[Appointment, Case]:
    """The appointment and its case, if ``actor`` may see the case.

    Raises:
        NotFound: no such appointment, or its case is another pair's (a worker is not
            told that it exists).
    """
    item = batch_get([appointment_key(appointment_id)]).get(appointment_key(appointment_id))
    if item is None:
        raise NotFound("no such appointment")
    appointment = appointment_from_item(item)
    case_item = batch_get([case_key(appointment.case_id)]).get(case_key(appointment.case_id))
    if case_item is None:
        raise NotFound("no such appointment")
    case = case_from_plain(case_item)
    require_case_access(actor, case)
    return appointment, case
