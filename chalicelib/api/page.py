"""The family's booking page (HTML, fi/sv/en) under ``/book/{token}``: what views and forms share.

No script, plain forms: the GETs live in ``page_views``, the POSTs in ``page_forms``. Both
register through ``page_route``, so a refusal is a page, never JSON. The link is the
credential: unknown → a plain 404 page, expired or revoked → a friendly 410 page. Error
pages that know no case speak the browser's ``Accept-Language`` unless ``?lang=`` or the
language cookie says otherwise.
"""

from __future__ import annotations

import functools
from datetime import datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse

from chalice import Response

from chalicelib import bootstrap
from chalicelib.api.errors import failure_of
from chalicelib.api.http import query_param
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.domain.instants import parse_instant
from chalicelib.services import booking
from chalicelib.services.links import open_link
from chalicelib.web import csrf, view
from chalicelib.web.i18n import Words, accepted_language, choose_language
from chalicelib.web.render import html_response, render

FORM = ["application/x-www-form-urlencoded"]
LANG_COOKIE = "tapaamo_lang"


class FormRejected(Exception):
    """The CSRF token of a POST did not verify (403)."""


def page_route(bp, path: str, methods=("GET",)):
    """Register an HTML view on ``bp``: domain errors become pages, not JSON.

    A POST route accepts only form bodies.
    """

    def decorate(view_function):
        @functools.wraps(view_function)
        def wrapped(**params):
            request = bp.current_request
            try:
                return view_function(**params)
            except FormRejected:
                return _plain_page(request, 403, "error.form_title", "notice.expired_form")
            except Exception as exc:  # noqa: BLE001 - domain errors, and the last line of defence
                status = failure_of(exc, path).status
                if status == 410:
                    return _gone_page(request, params.get("token", ""))
                if status == 404:
                    return _plain_page(request, 404, "notfound.title", "notfound.text")
                if status == 503:
                    return _busy_page(request)
                # A page has no words for the other refusals: "something was wrong".
                return _plain_page(request, 500 if status == 500 else 400, "error.title",
                                   "error.text")

        extra = {"content_types": FORM} if "POST" in methods else {}
        bp.route(path, methods=list(methods), **extra)(wrapped)
        return view_function

    return decorate


def open_case(token: str, now: datetime, extra_keys=()):
    """The link's case and the items read with it (``extra_keys``); 404/410 as for any link."""
    bootstrap.wiring()
    return open_link(token, now, extra_keys)


def open_appointment(token: str, appointment_id: str, now: datetime):
    """The case, its items and its own appointment ``appointment_id`` (else 404)."""
    bootstrap.wiring()
    return booking.open_appointment(token, appointment_id, now)


def checked_form(request, token: str, now: datetime) -> dict:
    """The POSTed form, if its CSRF token is this link's (else 403 ``FormRejected``)."""
    raw = request.raw_body or b""
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    key = csrf.server_key(bootstrap.wiring().settings)
    if not csrf.is_valid(key, token, form.get("csrf"), now):
        raise FormRejected()
    return form


def page_start(value: str | None) -> datetime:
    """The start a page link or form names; NotFound when it names no instant."""
    # The page makes every start it links to: one that does not parse names no page.
    try:
        return parse_instant(value, "start")
    except Invalid:
        raise NotFound("no such time") from None


def link_urls(token: str) -> view.Urls:
    """The page's own paths for this link (under the public URL's path)."""
    return view.Urls(base=urlparse(bootstrap.wiring().settings.public_url).path, token=token)


def absolute(path: str) -> str:
    """``path`` on the public URL's scheme and host, for links that leave the page."""
    public = bootstrap.wiring().settings.public_url
    return public[: len(public) - len(urlparse(public).path)] + path


def frame(request, token: str, case, title_key: str, query: dict) -> tuple[dict, dict]:
    """What every page of a link needs, and the Set-Cookie that remembers ``?lang=``."""
    asked = query_param(request, "lang")
    remembered = _cookie(request, LANG_COOKIE)
    language = choose_language(asked, remembered, case.contact.language if case else None)
    urls = link_urls(token)
    words = Words(language)
    context = {"t": words, "lang": language, "title": words(title_key), "urls": urls,
               "base": urls.base, "names": view.language_names(),
               "lang_urls": view.language_links(urls, query),
               "support_phone": bootstrap.wiring().settings.support_phone}
    headers = {}
    if asked == language and asked != remembered:
        headers["Set-Cookie"] = (f"{LANG_COOKIE}={language}; Path={urls.root}; "
                                 f"Max-Age=31536000; SameSite=Strict; HttpOnly"
                                 f"{'; Secure' if secure_cookies(urls) else ''}")
    return context, headers


def secure_cookies(urls) -> bool:
    """Cookies are ``Secure`` everywhere but the local stage on plain http (a deployed
    stage is reached over https, even when its public URL setting says otherwise)."""
    local = bootstrap.wiring().settings.stage == "local"
    return not local or absolute(urls.root).startswith("https:")


def _cookie(request, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load((request.headers or {}).get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is just no cookie
        return None
    return jar[name].value if name in jar else None


def _error_language(request, contact: str | None = None) -> str:
    """An error page's language: ``?lang=``, the cookie, the case's contact language when
    the case is known, else the browser's ``Accept-Language``, else Finnish."""
    browser = accepted_language((request.headers or {}).get("accept-language"))
    return choose_language(query_param(request, "lang"), _cookie(request, LANG_COOKIE),
                           contact or browser)


def _error_response(body: str, status: int, language: str) -> Response:
    # Vary: the same URL answers in another language to another browser.
    return html_response(body, status=status, headers={"Content-Language": language,
                                                       "Vary": "Accept-Language"})


def _gone_page(request, token: str) -> Response:
    """410 in the family's language: the token named a real link, so its case exists."""
    case = bootstrap.wiring().directory.get_case(token.partition(".")[0])
    language = _error_language(request, case.contact.language if case else None)
    words, urls = Words(language), link_urls(token)
    phone = bootstrap.wiring().settings.support_phone
    body = render("gone.html", t=words, lang=language, title=words("gone.title"),
                  base=urls.base, names=view.language_names(), urls=urls,
                  lang_urls=view.language_links(urls, {}), support_phone="", team_phone=phone)
    return _error_response(body, 410, language)


def _busy_page(request) -> Response:
    """503 "try again in a moment", with the ``Retry-After`` a JSON answer carries."""
    response = _plain_page(request, 503, "error.title", "error.text")
    response.headers["Retry-After"] = "1"
    return response


def _plain_page(request, status: int, title_key: str, text_key: str) -> Response:
    """A page that knows no case: in the browser's language (or the one chosen), no links
    but the 24 h support number (a family stuck on a broken link can still call)."""
    language = _error_language(request)
    words = Words(language)
    body = render("plain.html", t=words, lang=language, title=words(title_key),
                  text=words(text_key), base=urlparse(bootstrap.wiring().settings.public_url).path,
                  names=view.language_names(), lang_urls=[],
                  support_phone=bootstrap.wiring().settings.support_phone)
    return _error_response(body, status, language)
