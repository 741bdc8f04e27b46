"""The calendar's forms: add an absence, open extra hours, book for a family, move, cancel.

Each checks who may act (a worker: only for themselves and their own cases, 403/404)
before it reads a field, then calls the same service as the JSON API; a refusal answers
with the week (or the appointment's) page again, the message beside its field (422/409);
success redirects back to the week (POST-redirect-GET).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.week_page import week_page
from chalicelib.domain.access import require_self_or_coordinator
from chalicelib.domain.errors import Conflict, Invalid, Rejected
from chalicelib.domain.week import FIRST_YEAR, LAST_YEAR
from chalicelib.domain.workdays import local
from chalicelib.services import staff_booking, worker_time
from chalicelib.services.appointment_access import staff_appointment
from chalicelib.services import directory as use
from chalicelib.web import calendar_view, oncall_view, staff_forms, staff_view

bp = Blueprint(__name__)
SPAN_FIELDS = ("worker", "start", "end", "reason", "week", "case")
BOOK_FIELDS = ("worker", "case", "start", "minutes", "kind", "location", "after_hours", "week")


@console_route(bp, "/staff/week/absences", methods=["POST"])
def add_absence(visit: Visit):
    worker = visit.field("worker")
    require_self_or_coordinator(visit.actor, worker)
    return _span_form(visit, "absence", "absence_saved", lambda start, end: worker_time.add_absence(
        bootstrap.wiring().directory, worker, start, end, reason=_reason(visit)))


@console_route(bp, "/staff/week/extra-hours", methods=["POST"])
def add_extra_hours(visit: Visit):
    worker = visit.field("worker")
    require_self_or_coordinator(visit.actor, worker)
    return _span_form(visit, "extra", "extra_saved", lambda start, end: worker_time.add_extra_hours(
        bootstrap.wiring().directory, worker, start, end))


@console_route(bp, "/staff/week/appointments", methods=["POST"])
def book(visit: Visit):
    values = {n: visit.field(n) for n in BOOK_FIELDS}
    staff_booking.open_case(visit.actor, values["case"])  # 404/403 before any field
    try:
        ask = staff_booking.StaffBooking(
            case_id=values["case"], start=_instant(values["start"], "start"),
            location=values["location"], minutes=_minutes(values["minutes"]),
            kind=values["kind"] or "meeting", after_hours=values["after_hours"] or None)
        staff_booking.book(visit.actor, ask, visit.now)
    except (Rejected, Conflict, Invalid) as refused:
        return _again(visit, "book", values, refused)
    return _back(visit, values, "booked")


@console_route(bp, "/staff/appointments/{appointment_id}")
def appointment(visit: Visit, appointment_id: str):
    found, case = staff_appointment(visit.actor, appointment_id)
    return _appointment_page(visit, found, case, {
        "start": oncall_view.field_value(found.start), "location": found.location}, {})


@console_route(bp, "/staff/appointments/{appointment_id}/move", methods=["POST"])
def move(visit: Visit, appointment_id: str):
    old, case = staff_appointment(visit.actor, appointment_id)  # 404 first
    values = {n: visit.field(n) for n in ("start", "location")}
    try:
        staff_booking.move(visit.actor, old, case, _instant(values["start"], "start"),
                           values["location"], visit.now)
    except (Rejected, Conflict, Invalid) as refused:
        status = 409 if isinstance(refused, Conflict) else 422
        return _appointment_page(visit, old, case, values, _errors(refused), status)
    return _back(visit, {"week": values["start"][:10]}, "moved")


@console_route(bp, "/staff/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(visit: Visit, appointment_id: str):
    cancelled = staff_booking.cancel(visit.actor, appointment_id, visit.now)
    return _back(visit, {"week": local(cancelled.start).date().isoformat()}, "cancelled")


def _span_form(visit: Visit, form: str, notice: str, save):
    values = {n: visit.field(n) for n in SPAN_FIELDS}
    try:
        save(_instant(values["start"], "start"), _instant(values["end"], "end"))
    except (Rejected, Invalid) as refused:
        return _again(visit, form, values, refused)
    return _back(visit, values, notice)


def _again(visit: Visit, form: str, values: dict, refused):
    status = 409 if isinstance(refused, Conflict) else 422
    mapping = {"reason": "after_hours"} if form == "book" else None
    return week_page(visit, values.get("week") or None, values.get("worker") or None,
                     values.get("case") or None, form, values, _errors(refused, mapping),
                     status)


def _errors(refused, mapping: dict | None = None) -> dict[str, str]:
    """The message beside its field; one that names none (a taken time, a rule of the
    calendar) is about the time asked for, so it stands beside the start."""
    errors = staff_forms.form_error(refused, mapping)
    return {"start" if name == "form" else name: text for name, text in errors.items()}


def _back(visit: Visit, values: dict, notice: str):
    query = {k: values[k] for k in ("week", "worker", "case") if values.get(k)}
    return visit.go(f"/staff/week?{urlencode({**query, 'notice': notice})}")


def _appointment_page(visit: Visit, found, case, values: dict, errors: dict, status=200):
    offices = use.list_offices(bootstrap.wiring().directory)
    names = dict(staff_view.place_choices(visit.words, offices))
    return visit.page("appointment.html", "staff.appointment.title", status=status,
                      a=found, case=case, values=values, errors=errors,
                      when=visit.words.span(found.start, found.end),
                      week=local(found.start).date().isoformat(),
                      kind=calendar_view.kind_name(visit.words, found.kind),
                      places=[(p, names.get(p, p)) for p in case.locations])


def _instant(value: str, name: str) -> datetime:
    instant = oncall_view.parse_field(value, name)
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise Invalid(f"a date from {FIRST_YEAR} to {LAST_YEAR}", field=name)
    return instant


def _minutes(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 30 <= int(text) <= 240:
        raise Invalid("a whole number from 30 to 240", field="minutes")
    return int(text)


def _reason(visit: Visit) -> str:
    reason = visit.field("reason")
    if not reason:
        raise Invalid("choose a reason", field="reason")
    return reason
