"""The family's booking JSON API under ``/book/{token}`` (docs/api.md): the link is the
credential, so every route opens it first (404 unknown, 410 expired or revoked)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import (endpoint, idempotency_header, instant, json_object, json_response,
                                 query_param, text)
from chalicelib.domain.appointment import appointment_view
from chalicelib.domain.errors import Invalid, Rejected
from chalicelib.domain.instants import parse_day
from chalicelib.domain.workdays import local
from chalicelib.services import booking, case_appointments
from chalicelib.services.links import open_link

bp = Blueprint(__name__)
RECENT = timedelta(days=30)


def _family_request(token: str, body: dict, request) -> tuple[booking.BookingRequest, list]:
    location = text(body, "location")
    start = instant(body, "start")
    key = idempotency_header(request)
    case_id = token.partition(".")[0]
    keys = booking.office_keys(location) + booking.idempotency_keys(case_id, key)
    return booking.BookingRequest(
        case=None, start=start, location=location, booked_by="family", idempotency=key), keys


@endpoint(bp, "/book/{token}/slots")
def family_slots(token):
    request = bp.current_request
    now = bootstrap.now()
    bootstrap.wiring()
    asked = query_param(request, "from")
    first = parse_day(asked, "from") if asked else local(now + timedelta(days=1)).date()
    try:
        days = int(query_param(request, "days", "14"))
    except ValueError as error:
        raise Invalid("days must be a whole number", code="bad_query", field="days") from error
    if not 1 <= days <= 28:
        raise Rejected("days must be from 1 to 28", code="invalid_value", field="days")
    case, _ = open_link(token, now)
    found = booking.slots(case, first, days, now)
    return json_response({"slots": [{"start": s.start, "end": s.end,
                                     "locations": list(s.locations)} for s in found]})


@endpoint(bp, "/book/{token}/appointments", methods=["POST"])
def family_book(token):
    request = bp.current_request
    now = bootstrap.now()
    bootstrap.wiring()
    ask, keys = _family_request(token, json_object(request), request)
    case, items = open_link(token, now, keys)
    status, body = booking.book(replace(ask, case=case), items, now)
    return json_response(body, status=status)


@endpoint(bp, "/book/{token}/appointments")
def family_appointments(token):
    now = bootstrap.now()
    bootstrap.wiring()
    case, _ = open_link(token, now)
    listed = case_appointments.listed(case.id, now - RECENT)
    return json_response({"appointments": [appointment_view(a) for a in listed]})


@endpoint(bp, "/book/{token}/appointments/{appointment_id}/cancel", methods=["POST"])
def family_cancel(token, appointment_id):
    now = bootstrap.now()
    bootstrap.wiring()
    case, _, appointment = booking.open_appointment(token, appointment_id, now)
    cancelled = booking.cancel(appointment, case, now)
    return json_response(appointment_view(cancelled))


@endpoint(bp, "/book/{token}/appointments/{appointment_id}/move", methods=["POST"])
def family_move(token, appointment_id):
    request = bp.current_request
    now = bootstrap.now()
    bootstrap.wiring()
    ask, keys = _family_request(token, json_object(request), request)
    case, items, old = booking.open_appointment(token, appointment_id, now, keys)
    status, body = booking.move(replace(ask, case=case), old, items, now)
    return json_response(body, status=status)
