"""The family's booking page (HTML, fi/sv/en) under ``/book/{token}``: no script, plain forms.

GETs render; every POST lives under ``/book/{token}/page/...`` (never a JSON route),
checks the CSRF token and answers 303 to a GET (post-redirect-get). The link is the
credential: unknown → a plain 404 page, expired or revoked → a friendly 410 page.
"""

from __future__ import annotations

import functools
import logging
import secrets
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.escalations import ask_for_help
from chalicelib.api.http import query_param
from chalicelib.domain.directory import PLACE_KINDS
from chalicelib.domain.instants import parse_instant
from chalicelib.domain.errors import Conflict, DomainError, Gone, Invalid, NotFound, Rejected
from chalicelib.domain.workdays import local
from chalicelib.services import booking
from chalicelib.services.links import open_link
from chalicelib.store.appointments import appointment_key, case_appointments
from chalicelib.web import csrf, view
from chalicelib.web.i18n import DEFAULT_LANGUAGE, Words, choose_language
from chalicelib.web.render import html_response, redirect, render, stylesheet_response

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.page")
FORM = ["application/x-www-form-urlencoded"]
LANG_COOKIE = "tapaamo_lang"
SLOT_DAYS = 7
NOTICES = ("cancelled", "slot_taken", "rejected", "help_invalid")


class FormRejected(Exception):
    """The CSRF token of a POST did not verify (403)."""


def page(path: str, methods=("GET",)):
    """Register an HTML view: domain errors become pages, not JSON."""

    def decorate(view_function):
        @functools.wraps(view_function)
        def wrapped(**params):
            try:
                return view_function(**params)
            except Gone:
                return _gone_page(params.get("token", ""))
            except NotFound:
                return _plain_page(404, "notfound.title", "notfound.text")
            except FormRejected:
                return _plain_page(403, "error.form_title", "notice.expired_form")
            except DomainError:
                return _plain_page(400, "error.title", "error.text")
            except Exception as exc:  # noqa: BLE001 - the last line of defence
                log.error("unhandled %s on %s", type(exc).__name__, path, exc_info=False)
                return _plain_page(500, "error.title", "error.text")

        content_types = FORM if "POST" in methods else None
        extra = {"content_types": content_types} if content_types else {}
        bp.route(path, methods=list(methods), **extra)(wrapped)
        return view_function

    return decorate


@bp.route("/static/{name}")
def static(name):
    # Not an empty body labelled JSON (Chalice's default type): plain text that says so.
    return stylesheet_response(name) or Response(
        "not found", status_code=404, headers={"Content-Type": "text/plain; charset=utf-8"})


@page("/book/{token}")
def booking_page(token):
    now, request = bootstrap.now(), bp.current_request
    case, _ = _open(token, now)
    frame, cookie = _frame(token, case, "site.title", _query(request, "week", "place", "move"))
    words, urls = frame["t"], frame["urls"]
    monday = view.week_start(query_param(request, "week"), now)
    place = view.chosen_place(query_param(request, "place"), case.locations)
    listed = view.upcoming(case_appointments(case.id, now), now)
    offices = _offices(case.locations, listed)
    moving = next((a for a in listed if a.id == query_param(request, "move")), None)
    query = {"place": place, "move": moving.id if moving else None}
    notice = query_param(request, "notice")
    body = render(
        "index.html", **frame,
        notice=f"notice.{notice}" if notice in NOTICES else None,
        notice_warning=notice in ("slot_taken", "rejected", "help_invalid"),
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
    )
    return html_response(body, headers=cookie)


@page("/book/{token}/page/confirm")
def confirm_page(token):
    now, request = bootstrap.now(), bp.current_request
    start = _instant(query_param(request, "start"))
    place, move_id = query_param(request, "place"), query_param(request, "move")
    case, items = _open(token, now, [appointment_key(move_id)] if move_id else [])
    if place not in case.locations:
        raise NotFound("no such place for this case")
    moving = booking.own_appointment(case, items, move_id) if move_id else None
    frame, cookie = _frame(token, case, "confirm.title",
                           _query(request, "start", "place", "move", "week"))
    words, urls = frame["t"], frame["urls"]
    offices = _offices([place], [moving] if moving else [])
    name, address = view.place_label(words, place, offices)
    week = query_param(request, "week")
    body = render(
        "confirm.html", **frame, place=place, place_name=name, place_address=address,
        start=local(start).isoformat(), week=week or "",
        slot_span=words.span(start, start + _duration(case, moving)),
        move={"span": words.span(moving.start, moving.end)} if moving else None,
        action_url=urls.action("move", moving.id) if moving else urls.action("book"),
        back_url=urls.page(place=place, move=move_id, week=week) + "#slots-title",
        csrf=_csrf_token(token, now), idempotency=secrets.token_urlsafe(16),
    )
    return html_response(body, headers=cookie)


@page("/book/{token}/page/book", methods=("POST",))
def book_from_form(token):
    return _book_or_move(token, None)


@page("/book/{token}/page/move/{appointment_id}", methods=("POST",))
def move_from_form(token, appointment_id):
    return _book_or_move(token, appointment_id)


def _book_or_move(token: str, move_id: str | None) -> Response:
    now = bootstrap.now()
    form = _checked_form(token, now)
    start, location = _instant(form.get("start")), form.get("location") or ""
    keys = booking.office_keys(location) if location else []
    # The confirm form's one-time key: a double tap (or a resent POST) books once.
    repeat = form.get("idempotency") if 0 < len(form.get("idempotency") or "") <= 255 else None
    keys += booking.idempotency_keys(token.partition(".")[0], repeat)
    case, items = _open(token, now, keys + ([appointment_key(move_id)] if move_id else []))
    if location not in case.locations:
        raise NotFound("no such place for this case")
    urls = _urls(token)
    request = booking.BookingRequest(case=case, start=start, location=location,
                                     booked_by="family", manage_url=_public(urls.root),
                                     idempotency=repeat)
    try:
        if move_id:
            moving = booking.own_appointment(case, items, move_id)
            _, made = booking.move(request, moving, items, now)
        else:
            _, made = booking.book(request, items, now)
    except (Conflict, Rejected) as refused:
        notice = "slot_taken" if refused.code == "slot_taken" else "rejected"
        return redirect(urls.page(notice=notice, place=location, move=move_id,
                                  week=form.get("week")) + "#slots-title")
    return redirect(urls.booked(made["id"], moved=bool(move_id)))


@page("/book/{token}/page/booked/{appointment_id}")
def booked_page(token, appointment_id):
    now, request = bootstrap.now(), bp.current_request
    case, _, appointment = _open_appointment(token, appointment_id, now)
    frame, cookie = _frame(token, case, "booked.title", _query(request, "moved"))
    card = view.appointment_card(frame["t"], frame["urls"], appointment,
                                 _offices([], [appointment]))
    body = render("booked.html", **frame, a=card, moved=bool(query_param(request, "moved")),
                  back_url=frame["urls"].root)
    return html_response(body, headers=cookie)


@page("/book/{token}/page/cancel/{appointment_id}")
def cancel_page(token, appointment_id):
    now = bootstrap.now()
    case, _, appointment = _open_appointment(token, appointment_id, now)
    frame, cookie = _frame(token, case, "cancel.title", {})
    card = view.appointment_card(frame["t"], frame["urls"], appointment,
                                 _offices([], [appointment]))
    body = render("cancel.html", **frame, a=card, csrf=_csrf_token(token, now),
                  action_url=frame["urls"].action("cancel", appointment_id),
                  back_url=frame["urls"].root)
    return html_response(body, headers=cookie)


@page("/book/{token}/page/cancel/{appointment_id}", methods=("POST",))
def cancel_from_form(token, appointment_id):
    now = bootstrap.now()
    _checked_form(token, now)
    case, _, appointment = _open_appointment(token, appointment_id, now)
    booking.cancel(appointment, case, now)
    return redirect(_urls(token).page(notice="cancelled"))


@page("/book/{token}/page/help", methods=("POST",))
def help_from_form(token):
    """The "we need help now" button: pages the on-call worker, then says help is coming."""
    form = _checked_form(token, bootstrap.now())
    fields = {name: form[name] for name in ("message", "callback_phone") if form.get(name)}
    try:
        ask_for_help(token, fields)
    except (Invalid, Rejected):
        return redirect(_urls(token).page(notice="help_invalid") + "#help-title")
    return redirect(_urls(token).action("help-sent"))


@page("/book/{token}/page/help-sent")
def help_sent_page(token):
    case, _ = _open(token, bootstrap.now())
    frame, cookie = _frame(token, case, "help.sent_title", {})
    body = render("help_sent.html", **frame, back_url=frame["urls"].root)
    return html_response(body, headers=cookie)


# -- plumbing -------------------------------------------------------------------------

def _open(token: str, now: datetime, extra_keys=()):
    bootstrap.wiring()
    return open_link(token, now, extra_keys)


def _open_appointment(token: str, appointment_id: str, now: datetime):
    bootstrap.wiring()
    return booking.open_appointment(token, appointment_id, now)


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


def _urls(token: str) -> view.Urls:
    return view.Urls(base=urlparse(bootstrap.wiring().settings.public_url).path, token=token)


def _public(path: str) -> str:
    public = bootstrap.wiring().settings.public_url
    return public[: len(public) - len(urlparse(public).path)] + path


def _query(request, *names) -> dict:
    return {n: query_param(request, n) for n in names}


def _frame(token: str, case, title_key: str, query: dict) -> tuple[dict, dict]:
    """What every page of a link needs, and the Set-Cookie that remembers ``?lang=``."""
    request = bp.current_request
    asked = query_param(request, "lang")
    remembered = _cookie(request, LANG_COOKIE)
    language = choose_language(asked, remembered, case.contact.language if case else None)
    urls = _urls(token)
    words = Words(language)
    frame = {"t": words, "lang": language, "title": words(title_key), "urls": urls,
             "base": urls.base, "names": view.language_names(),
             "lang_urls": view.language_links(urls, query),
             "support_phone": bootstrap.wiring().settings.support_phone}
    headers = {}
    if asked == language and asked != remembered:
        secure = "; Secure" if _public(urls.root).startswith("https:") else ""
        headers["Set-Cookie"] = (f"{LANG_COOKIE}={language}; Path={urls.root}; "
                                 f"Max-Age=31536000; SameSite=Strict; HttpOnly{secure}")
    return frame, headers


def _cookie(request, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load((request.headers or {}).get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is just no cookie
        return None
    return jar[name].value if name in jar else None


def _csrf_token(token: str, now: datetime) -> str:
    return csrf.form_token(csrf.server_key(bootstrap.wiring().settings), token, now)


def _checked_form(token: str, now: datetime) -> dict:
    raw = bp.current_request.raw_body or b""
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    key = csrf.server_key(bootstrap.wiring().settings)
    if not csrf.is_valid(key, token, form.get("csrf"), now):
        raise FormRejected()
    return form


def _instant(value: str | None) -> datetime:
    # The page makes every start it links to: one that does not parse names no page.
    try:
        return parse_instant(value, "start")
    except Invalid:
        raise NotFound("no such time") from None


def _gone_page(token: str) -> Response:
    """410 in the family's language: the token named a real link, so its case exists."""
    case = bootstrap.wiring().directory.get_case(token.partition(".")[0])
    language = choose_language(query_param(bp.current_request, "lang"),
                               _cookie(bp.current_request, LANG_COOKIE),
                               case.contact.language if case else None)
    words, urls = Words(language), _urls(token)
    phone = bootstrap.wiring().settings.support_phone
    body = render("gone.html", t=words, lang=language, title=words("gone.title"),
                  base=urls.base, names=view.language_names(), urls=urls,
                  lang_urls=view.language_links(urls, {}), support_phone="", team_phone=phone)
    return html_response(body, status=410)


def _plain_page(status: int, title_key: str, text_key: str) -> Response:
    """A page that knows no case (so no language choice): Finnish, with no links."""
    words = Words(DEFAULT_LANGUAGE)
    body = render("plain.html", t=words, lang=DEFAULT_LANGUAGE, title=words(title_key),
                  text=words(text_key), base=urlparse(bootstrap.wiring().settings.public_url).path,
                  names=view.language_names(), lang_urls=[], support_phone="")
    return html_response(body, status=status)
