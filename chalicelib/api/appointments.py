"""Staff booking endpoints: links, appointments and their outcomes, a worker's list,
absences, extra hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import (actor_of, endpoint, idempotency_header, instant, json_object,
                                 json_response, query_param, staff_call, text)
from chalicelib.domain.access import require_self_or_coordinator
from chalicelib.domain.appointment import appointment_view
from chalicelib.domain.errors import Rejected
from chalicelib.domain.instants import parse_day
from chalicelib.domain.workdays import at_local
from chalicelib.services import links, outcomes, staff_booking, worker_time
from chalicelib.services.appointment_access import staff_appointment

bp = Blueprint(__name__)


@endpoint(bp, "/cases/{case_id}/booking-links", methods=["POST"], authorizer=staff)
def issue_link(case_id):
    request = bp.current_request
    actor = actor_of(request)
    wiring = bootstrap.wiring()
    body = json_object(request)
    link = links.issue_link(wiring.directory, actor, case_id, body.get("valid_days"),
                            bootstrap.now(), wiring.settings.public_url, send=body.get("send"))
    return json_response(link, status=201)


@endpoint(bp, "/cases/{case_id}/booking-links", methods=["DELETE"], authorizer=staff)
def revoke_links(case_id):
    actor = actor_of(bp.current_request)
    links.revoke_links(bootstrap.wiring().directory, actor, case_id, bootstrap.now())
    return Response("", status_code=204)


def _minutes(body: dict) -> int | None:
    minutes = body.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                or not 30 <= minutes <= 240):
        raise Rejected("minutes: a whole number from 30 to 240", code="invalid_value",
                       field="minutes")
    return minutes


@endpoint(bp, "/appointments", methods=["POST"], authorizer=staff)
def staff_book():
    request, actor, now = staff_call(bp)
    wiring = bootstrap.wiring()
    body = json_object(request)
    ask = staff_booking.StaffBooking(
        case_id=text(body, "case"), start=instant(body, "start"),
        location=text(body, "location"), minutes=_minutes(body),
        kind=body.get("kind", "meeting"), idempotency=idempotency_header(request),
        after_hours=body.get("reason"))
    # With ``outcome``, a meeting that already took place, recorded afterwards.
    status, result = staff_booking.book(actor, ask, now,
                                        outcome=body["outcome"] if "outcome" in body
                                        else staff_booking.NO_OUTCOME)
    return json_response(result, status=status)


@endpoint(bp, "/appointments/{appointment_id}/cancel", methods=["POST"], authorizer=staff)
def staff_cancel(appointment_id):
    actor = actor_of(bp.current_request)
    # The case is needed anyway: the family is told of the cancellation.
    cancelled = staff_booking.cancel(actor, appointment_id, bootstrap.now())
    return json_response(appointment_view(cancelled))


@endpoint(bp, "/appointments/{appointment_id}/outcome", methods=["POST"], authorizer=staff)
def record_outcome(appointment_id):
    request, actor, now = staff_call(bp)
    appointment, case = staff_appointment(actor, appointment_id)  # 404 before 422
    outcome = outcomes.outcome_of(json_object(request).get("outcome"))
    recorded = outcomes.record_by_staff(bootstrap.wiring().directory, actor, appointment, case,
                                        outcome, now)
    return json_response(appointment_view(recorded))


def _day(value: str | None, field: str, default: date) -> date:
    return parse_day(value, field) if value else default


@endpoint(bp, "/workers/{worker_id}/appointments", authorizer=staff)
def worker_appointments(worker_id):
    request = bp.current_request
    actor = actor_of(request)
    require_self_or_coordinator(actor, worker_id)
    bootstrap.wiring()
    today = bootstrap.now().date()
    first = _day(query_param(request, "from"), "from", today)
    last = _day(query_param(request, "to"), "to", first + timedelta(days=28))
    found = worker_time.worker_appointments(worker_id, at_local(first, 0), at_local(last, 0))
    return json_response({"appointments": found})


def _span(request) -> tuple[datetime, datetime]:
    body = json_object(request)
    return instant(body, "start"), instant(body, "end")


@endpoint(bp, "/workers/{worker_id}/absences", methods=["POST"], authorizer=staff)
def add_absence(worker_id):
    request = bp.current_request
    actor = actor_of(request)
    require_self_or_coordinator(actor, worker_id)
    start, end = _span(request)
    reason = json_object(request).get("reason")
    result = worker_time.add_absence(bootstrap.wiring().directory, worker_id, start, end,
                                     reason=reason)
    return json_response(result, status=201)


@endpoint(bp, "/workers/{worker_id}/extra-hours", methods=["POST"], authorizer=staff)
def add_extra_hours(worker_id):
    request = bp.current_request
    actor = actor_of(request)
    require_self_or_coordinator(actor, worker_id)
    start, end = _span(request)
    result = worker_time.add_extra_hours(bootstrap.wiring().directory, worker_id, start, end)
    return json_response(result, status=201)
