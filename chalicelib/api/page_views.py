"""The family's booking page, its GETs: the week of free slots, confirm, booked, cancel?, help sent.

Each renders a page for the link in the family's language; every button on it is a form
that posts to ``page_forms``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import query_param
from chalicelib.api.page import frame, open_appointment, open_case, page_route, page_start
from chalicelib.domain.directory import PLACE_KINDS
from chalicelib.domain.errors import NotFound
from chalicelib.domain.workdays import local
from chalicelib.services import booking, seats
from chalicelib.services.feedback import sent_survey
from chalicelib.store.feedback import sent_key
from chalicelib.store.appointments import appointment_key, case_appointments
from chalicelib.web import csrf, view
from chalicelib.web.group_view import feedback_card, group_cards
from chalicelib.web.render import html_response, render, stylesheet_response

bp = Blueprint(__name__)
SLOT_DAYS = 7
NOTICES = ("cancelled", "slot_taken", "rejected", "help_invalid", "group_seated",
           "group_waiting", "group_left", "group_closed")


@bp.route("/static/{name}")
def static(name):
    # Not an empty body labelled JSON (Chalice's default type): plain text that says so.
    return stylesheet_response(name) or Response(
        "not found", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})


@page_route(bp, "/book/{token}")
def booking_page(token):
    now, request = bootstrap.now(), bp.current_request
    case, items = open_case(token, now, [sent_key(token.partition(".")[0])])
    context, cookie = frame(request, token, case, "site.title",
                            _query(request, "week", "place", "move"))
    words, urls = context["t"], context["urls"]
    monday = view.week_start(query_param(request, "week"), now)
    place = view.chosen_place(query_param(request, "place"), case.locations)
    listed = view.upcoming(case_appointments(case.id, now), now)
    groups = seats.family_groups(case, now)
    offices = _offices([*case.locations, *(g.office for g, _ in groups)], listed)
    moving = next((a for a in listed if a.id == query_param(request, "move")), None)
    query = {"place": place, "move": moving.id if moving else None}
    notice = query_param(request, "notice")
    body = render(
        "index.html", **context,
        notice=f"notice.{notice}" if notice in NOTICES else None,
        notice_warning=notice in ("slot_taken", "rejected", "help_invalid", "group_closed"),
        appointments=[view.appointment_card(words, urls, a, offices, monday) for a in listed],
        calendar_all_url=urls.calendar,
        move=_move_banner(words, urls, moving, offices, place, monday),
        places=view.place_choices(words, case.locations, place, offices),
        page_url=urls.root,
        week=view.week_view(words, urls, monday, now, query),
        days=view.slot_days(words, urls, booking.slots(case, monday, SLOT_DAYS, now), place,
                            monday, moving.id if moving else None),
        help_url=urls.action("help"),
        csrf=_csrf_token(token, now),
        groups=group_cards(words, urls, groups, offices, now),
        feedback=feedback_card(sent_survey(items, case)),
    )
    return html_response(body, headers=cookie)


@page_route(bp, "/book/{token}/page/confirm")
def confirm_page(token):
    now, request = bootstrap.now(), bp.current_request
    start = page_start(query_param(request, "start"))
    place, move_id = query_param(request, "place"), query_param(request, "move")
    case, items = open_case(token, now, [appointment_key(move_id)] if move_id else [])
    if place not in case.locations:
        raise NotFound("no such place for this case")
    moving = booking.own_appointment(case, items, move_id) if move_id else None
    context, cookie = frame(request, token, case, "confirm.title",
                            _query(request, "start", "place", "move", "week"))
    words, urls = context["t"], context["urls"]
    offices = _offices([place], [moving] if moving else [])
    name, address = view.place_label(words, place, offices)
    week = query_param(request, "week")
    body = render(
        "confirm.html", **context, place=place, place_name=name, place_address=address,
        start=local(start).isoformat(), week=week or "",
        slot_span=words.span(start, start + _duration(case, moving)),
        move={"span": words.span(moving.start, moving.end)} if moving else None,
        action_url=urls.action("move", moving.id) if moving else urls.action("book"),
        back_url=urls.page(place=place, move=move_id, week=week) + "#slots-title",
        csrf=_csrf_token(token, now), idempotency=secrets.token_urlsafe(16),
    )
    return html_response(body, headers=cookie)


@page_route(bp, "/book/{token}/page/booked/{appointment_id}")
def booked_page(token, appointment_id):
    now, request = bootstrap.now(), bp.current_request
    case, _, appointment = open_appointment(token, appointment_id, now)
    context, cookie = frame(request, token, case, "booked.title", _query(request, "moved"))
    card = view.appointment_card(context["t"], context["urls"], appointment,
                                 _offices([], [appointment]))
    body = render("booked.html", **context, a=card, moved=bool(query_param(request, "moved")),
                  back_url=context["urls"].root)
    return html_response(body, headers=cookie)


@page_route(bp, "/book/{token}/page/cancel/{appointment_id}")
def cancel_page(token, appointment_id):
    now = bootstrap.now()
    case, _, appointment = open_appointment(token, appointment_id, now)
    context, cookie = frame(bp.current_request, token, case, "cancel.title", {})
    card = view.appointment_card(context["t"], context["urls"], appointment,
                                 _offices([], [appointment]))
    body = render("cancel.html", **context, a=card, csrf=_csrf_token(token, now),
                  action_url=context["urls"].action("cancel", appointment_id),
                  back_url=context["urls"].root)
    return html_response(body, headers=cookie)


@page_route(bp, "/book/{token}/page/help-sent")
def help_sent_page(token):
    case, _ = open_case(token, bootstrap.now())
    context, cookie = frame(bp.current_request, token, case, "help.sent_title", {})
    body = render("help_sent.html", **context, back_url=context["urls"].root)
    return html_response(body, headers=cookie)


def _offices(locations, appointments) -> dict:
    wanted = {*locations, *(a.location for a in appointments)}
    return bootstrap.wiring().directory.get_offices(wanted - set(PLACE_KINDS))


def _duration(case, moving) -> timedelta:
    return moving.end - moving.start if moving else timedelta(minutes=case.meeting_minutes)


def _move_banner(words, urls, moving, offices, place, monday):
    if moving is None:
        return None
    return {"id": moving.id, "span": words.span(moving.start, moving.end),
            "abort_url": urls.page(place=place, week=monday.isoformat())}


def _query(request, *names) -> dict:
    return {n: query_param(request, n) for n in names}


def _csrf_token(token: str, now: datetime) -> str:
    return csrf.form_token(csrf.server_key(bootstrap.wiring().settings), token, now)
