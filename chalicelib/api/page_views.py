"""The family's booking page, its GETs: the slot picker, confirm, booked, cancel?, help sent.

Each renders a page for the link in the family's language. The picker is a GET form (its
place, day and week buttons reload the page, ``static/page.js`` swaps just the times); a
time leads to the confirm page, whose button posts to ``page_forms``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import query_param
from chalicelib.api.page import (frame, link_urls, open_appointment, open_case, page_route,
                                 page_start)
from chalicelib.domain.directory import PLACE_KINDS
from chalicelib.domain.errors import NotFound
from chalicelib.domain.workdays import local
from chalicelib.services import booking, case_appointments, seats
from chalicelib.services.feedback import sent_keys, sent_survey
from chalicelib.web import csrf, slot_picker, view
from chalicelib.web.group_view import feedback_card, group_cards
from chalicelib.web.render import html_response, redirect, render, static_response

bp = Blueprint(__name__)
SLOT_DAYS = 7
NOTICES = ("cancelled", "slot_taken", "rejected", "help_invalid", "help_limit", "past",
           "not_free", "group_seated", "group_waiting", "group_left", "group_closed",
           "group_full")
CALM_NOTICES = ("cancelled", "group_seated", "group_waiting", "group_left")


@bp.route("/static/{name}")
def static(name):
    # Not an empty body labelled JSON (Chalice's default type): plain text that says so.
    return static_response(name) or Response(
        "not found", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})


@page_route(bp, "/book/{token}")
def booking_page(token):
    now, request = bootstrap.now(), bp.current_request
    case, items = open_case(token, now, sent_keys(token.partition(".")[0]))
    listed = view.upcoming(case_appointments.listed(case.id, now), now)
    groups = seats.family_groups(case, now)
    moving = next((a for a in listed if a.id == query_param(request, "move")), None)
    context, cookie = frame(request, token, case,
                            "move.title" if moving else "site.title",
                            _query(request, "day", "week", "place", "move"))
    words, urls = context["t"], context["urls"]
    place = view.chosen_place(query_param(request, "place"), case.locations)
    offices, workers = bootstrap.wiring().directory.get_offices_and_workers(
        _office_ids([*case.locations, *(g.office for g, *_ in groups)], listed), case.workers)
    notice = query_param(request, "notice")
    body = render(
        "index.html", **context,
        intro=view.intro(words, [workers[w] for w in case.workers if w in workers]),
        notice=f"notice.{notice}" if notice in NOTICES else None,
        notice_warning=notice in NOTICES and notice not in CALM_NOTICES,
        appointments=[view.appointment_card(words, urls, a, offices) for a in listed],
        calendar_all_url=urls.calendar,
        move=_move_banner(words, urls, moving, place),
        places=view.place_choices(words, case.locations, place, offices),
        page_url=urls.root, confirm_url=urls.confirm(),
        week=_week(words, case, place, moving, request, now),
        help_url=urls.action("help"),
        csrf=_csrf_token(token, now),
        groups=group_cards(words, urls, groups, offices, now),
        feedback=feedback_card(sent_survey(items, case)),
    )
    return html_response(body, headers=cookie)


def _week(words, case, place, moving, request, now) -> dict:
    """The picker's week: the asked one, else the first with a free time at ``place``."""
    asked = slot_picker.Asked.parse(query_param(request, "day"), query_param(request, "week"))
    last = slot_picker.last_day(now, booking.RULES.horizon)
    monday = slot_picker.shown_monday(asked, now, last)
    found = slot_picker.at_place(booking.slots(case, monday, SLOT_DAYS, now, moving=moving),
                                 place)
    later = None
    ahead = slot_picker.days_left(monday + timedelta(days=SLOT_DAYS), last)
    if not found and ahead:
        # An empty week: one more read finds the next free time within the booking horizon.
        later_slots = slot_picker.at_place(booking.slots(
            case, monday + timedelta(days=SLOT_DAYS), ahead, now, moving=moving), place)
        later = later_slots[0] if later_slots else None
        if later and not asked.explicit:  # the first screen shows the next free times
            monday, found = slot_picker.monday_of(local(later.start).date()), later_slots
    current = moving.start if moving and moving.location == place else None
    return slot_picker.picker(words, monday, found, asked.day, now, last, later, current)


@page_route(bp, "/book/{token}/page/confirm")
def confirm_page(token):
    now, request = bootstrap.now(), bp.current_request
    start = page_start(query_param(request, "start"))
    place, move_id = query_param(request, "place"), query_param(request, "move")
    case, items = open_case(token, now, case_appointments.appointment_keys(move_id))
    if place not in case.locations:
        raise NotFound("no such place for this case")
    moving = booking.own_appointment(case, items, move_id) if move_id else None
    refused = _refusal(case, start, place, moving, now)
    if refused:  # before the confirm page: a past or taken time is never offered to confirm
        return redirect(link_urls(token).page(notice=refused, place=place, move=move_id,
                                              day=local(start).date().isoformat())
                        + "#slots-title")
    context, cookie = frame(request, token, case, "move.title" if moving else "confirm.title",
                            _query(request, "start", "place", "move"))
    words, urls = context["t"], context["urls"]
    offices = _offices([place], [moving] if moving else [])
    name, address = view.place_label(words, place, offices)
    body = render(
        "confirm.html", **context, place=place, place_name=name, place_address=address,
        start=local(start).isoformat(),
        slot_span=words.span(start, start + _duration(case, moving)),
        move={"span": words.span(moving.start, moving.end)} if moving else None,
        action_url=urls.action("move", moving.id) if moving else urls.action("book"),
        back_url=urls.page(place=place, move=move_id, day=local(start).date().isoformat())
        + "#slots-title",
        csrf=_csrf_token(token, now), idempotency=secrets.token_urlsafe(16),
    )
    return html_response(body, headers=cookie)


def _refusal(case, start: datetime, place: str, moving, now: datetime) -> str | None:
    """Why ``start`` at ``place`` cannot be offered: ``past`` (or too soon), ``not_free``."""
    if start < now + booking.RULES.notice:
        return "past"
    if start > now + booking.RULES.horizon:
        return "not_free"
    day = local(start).date()
    free = booking.slots(case, day, 1, now, moving=moving)
    if not any(s.start == start and place in s.locations for s in free):
        return "not_free"
    return None


@page_route(bp, "/book/{token}/page/booked/{appointment_id}")
def booked_page(token, appointment_id):
    now, request = bootstrap.now(), bp.current_request
    case, _, appointment = open_appointment(token, appointment_id, now)
    moved = bool(query_param(request, "moved"))
    context, cookie = frame(request, token, case, "booked.moved_title" if moved else "booked.title",
                            _query(request, "moved"))
    card = view.appointment_card(context["t"], context["urls"], appointment,
                                 _offices([], [appointment]))
    body = render("booked.html", **context, a=card, moved=moved,
                  back_url=context["urls"].root + "#appointments-title")
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


def _office_ids(locations, appointments) -> set[str]:
    return {*locations, *(a.location for a in appointments)} - set(PLACE_KINDS)


def _offices(locations, appointments) -> dict:
    return bootstrap.wiring().directory.get_offices(_office_ids(locations, appointments))


def _duration(case, moving) -> timedelta:
    return moving.end - moving.start if moving else timedelta(minutes=case.meeting_minutes)


def _move_banner(words, urls, moving, place):
    if moving is None:
        return None
    return {"id": moving.id, "span": words.span(moving.start, moving.end),
            "abort_url": urls.page(place=place)}


def _query(request, *names) -> dict:
    return {n: query_param(request, n) for n in names}


def _csrf_token(token: str, now: datetime) -> str:
    return csrf.form_token(csrf.server_key(bootstrap.wiring().settings), token, now)
