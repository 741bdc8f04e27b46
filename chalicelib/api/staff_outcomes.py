"""The console's meeting outcomes: a worker's meetings still to record, and the form that
records one (held, no-show, cancelled-late) from that list or from the case page.

The form calls the same service as ``POST /appointments/{id}/outcome``; an appointment of
another pair's case is the console's 404 page, as the API answers 404.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.services import outcome_digest, outcomes
from chalicelib.services.appointment_access import staff_appointment
from chalicelib.web import staff_view

bp = Blueprint(__name__)


@console_route(bp, outcome_digest.PAGE_PATH)
def awaiting(visit: Visit):
    wiring, worker_id = bootstrap.wiring(), visit.actor.worker_id
    entries = outcome_digest.awaiting(wiring.agenda, worker_id, visit.now) if worker_id else []
    offices = {e.office for e in entries if e.office}
    notice = query_param(visit.request, "notice") == "outcome_saved"
    return visit.page(
        "outcomes.html", "staff.outcomes.title", worker=worker_id is not None,
        rows=staff_view.awaiting_rows(visit.words, entries,
                                      wiring.directory.get_offices(offices) if offices else {},
                                      visit.now),
        outcome_choices=staff_view.outcome_choices(visit.words),
        notice=visit.words("staff.notice.outcome_saved") if notice else None)


@console_route(bp, "/staff/appointments/{appointment_id}/outcome", methods=["POST"])
def record(visit: Visit, appointment_id: str):
    appointment, case = staff_appointment(visit.actor, appointment_id)  # 404 before the form
    outcomes.record_by_staff(bootstrap.wiring().directory, visit.actor, appointment, case,
                             outcomes.outcome_of(visit.field("outcome")), visit.now)
    if visit.field("back") == "outcomes":
        return visit.go(f"{outcome_digest.PAGE_PATH}?notice=outcome_saved")
    return visit.go(f"/staff/cases/{case.id}?notice=outcome_saved#past-title")
