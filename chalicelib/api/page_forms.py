"""The family's booking page, its POSTs: book, move, cancel, ask for help.

Every form posts under ``/book/{token}/page/...`` (never a JSON route), must carry the
page's CSRF token (else 403) and is answered 303 to a GET page (post-redirect-get), so a
reload never posts twice.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.help_http import ask_for_help
from chalicelib.api.page import (checked_form, link_urls, open_appointment,
                                 open_case, page_route, page_start)
from chalicelib.domain.errors import Conflict, Invalid, NotFound, Rejected, TooMany
from chalicelib.domain.workdays import local
from chalicelib.services import booking, case_appointments
from chalicelib.web.render import redirect

bp = Blueprint(__name__)


@page_route(bp, "/book/{token}/page/book", methods=("POST",))
def book_from_form(token):
    return _book_or_move(token, None)


@page_route(bp, "/book/{token}/page/move/{appointment_id}", methods=("POST",))
def move_from_form(token, appointment_id):
    return _book_or_move(token, appointment_id)


def _book_or_move(token: str, move_id: str | None) -> Response:
    now = bootstrap.now()
    form = checked_form(bp.current_request, token, now)
    start, location = page_start(form.get("start")), form.get("location") or ""
    keys = booking.office_keys(location) if location else []
    # The confirm form's one-time key: a double tap (or a resent POST) books once.
    repeat = form.get("idempotency") if 0 < len(form.get("idempotency") or "") <= 255 else None
    keys += booking.idempotency_keys(token.partition(".")[0], repeat)
    case, items = open_case(token, now, keys + case_appointments.appointment_keys(move_id))
    if location not in case.locations:
        raise NotFound("no such place for this case")
    urls = link_urls(token)
    request = booking.BookingRequest(case=case, start=start, location=location,
                                     booked_by="family", idempotency=repeat)
    try:
        if move_id:
            moving = booking.own_appointment(case, items, move_id)
            _, made = booking.move(request, moving, items, now)
        else:
            _, made = booking.book(request, items, now)
    except (Conflict, Rejected) as refused:
        notice = "slot_taken" if refused.code == "slot_taken" else "rejected"
        return redirect(urls.page(notice=notice, place=location, move=move_id,
                                  day=local(start).date().isoformat()) + "#slots-title")
    return redirect(urls.booked(made["id"], moved=bool(move_id)))


@page_route(bp, "/book/{token}/page/cancel/{appointment_id}", methods=("POST",))
def cancel_from_form(token, appointment_id):
    now = bootstrap.now()
    checked_form(bp.current_request, token, now)
    case, _, appointment = open_appointment(token, appointment_id, now)
    booking.cancel(appointment, case, now)
    return redirect(link_urls(token).page(notice="cancelled"))


@page_route(bp, "/book/{token}/page/help", methods=("POST",))
def help_from_form(token):
    """The "we need help now" button: pages the on-call worker, then says help is coming."""
    form = checked_form(bp.current_request, token, bootstrap.now())
    fields = {name: form[name] for name in ("message", "callback_phone") if form.get(name)}
    try:
        ask_for_help(token, fields)
    except (Invalid, Rejected):
        return redirect(link_urls(token).page(notice="help_invalid") + "#help-title")
    except TooMany:
        return redirect(link_urls(token).page(notice="help_limit") + "#help-title")
    return redirect(link_urls(token).action("help-sent"))
