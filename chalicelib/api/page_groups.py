"""The family page's group buttons: take a seat (or a place in line), leave; in a drop-in
group, for the one session the form names (``session``). Plain forms with the page's CSRF
token, answered 303 back to the page (post-redirect-get)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.page import checked_form, link_urls, open_case, page_route
from chalicelib.domain.errors import Conflict, Rejected
from chalicelib.services import seats
from chalicelib.web.render import redirect

bp = Blueprint(__name__)


@page_route(bp, "/book/{token}/page/groups/{group_id}/seat", methods=("POST",))
def seat_from_form(token, group_id):
    now = bootstrap.now()
    form = checked_form(bp.current_request, token, now)
    case, _ = open_case(token, now)
    try:
        place = seats.take_seat(case, group_id, now, session_id=form.get("session"))
    except Conflict:  # a drop-in session filled while the page was open
        return _back(token, "group_full")
    except Rejected:
        return _back(token, "group_closed")
    return _back(token, f"group_{place}")


@page_route(bp, "/book/{token}/page/groups/{group_id}/leave", methods=("POST",))
def leave_from_form(token, group_id):
    now = bootstrap.now()
    form = checked_form(bp.current_request, token, now)
    case, _ = open_case(token, now)
    try:
        seats.give_up_seat(case, group_id, now, form.get("session"))
    except Rejected:
        return _back(token, "group_closed")
    return _back(token, "group_left")


def _back(token: str, notice: str):
    return redirect(link_urls(token).page(notice=notice) + "#groups-title")
