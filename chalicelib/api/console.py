"""What every staff console page shares: the session, the language, CSRF and error pages.

Pages register through :func:`console_route`. Without a valid session the answer is a
redirect to ``/staff/login`` (never JSON 401); a POST must be a form with this session's
CSRF token; a coordinator page opened by a worker, an unknown case and any other refusal
are pages in the user's language. Every answer refreshes the session cookie (the idle
clock restarts).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, quote, urlencode, urlparse

from chalice import Response

from chalicelib import bootstrap
from chalicelib.api.errors import failure_of
from chalicelib.api.http import query_param
from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Forbidden
from chalicelib.web import csrf, session as cookies
from chalicelib.web.i18n import Words, accepted_language, choose_language
from chalicelib.web.render import CSP, html_response, redirect, render

FORM = ["application/x-www-form-urlencoded"]
LANG_COOKIE = "tapaamo_staff_lang"
NAV = (("home", "/staff/"), ("week", "/staff/week"), ("team", "/staff/team"),
       ("cases", "/staff/cases"), ("workers", "/staff/workers"),
       ("offices", "/staff/offices"), ("oncall", "/staff/oncall"),
       ("escalations", "/staff/escalations"), ("outcomes", "/staff/outcomes"),
       ("feed", "/staff/feed"))


@dataclass
class Visit:
    """One request to the console: who, when, in which language, and the posted form."""

    request: object
    now: datetime
    session: cookies.StaffSession | None
    words: Words
    base: str
    form: dict[str, list[str]] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return self.session.actor

    @property
    def lang(self) -> str:
        return self.words.language

    def field(self, name: str) -> str:
        """The posted form's first ``name`` value, stripped ('' when absent)."""
        return (self.form.get(name) or [""])[0].strip()

    def page(self, template: str, title_key: str, status: int = 200, **context) -> Response:
        """Render ``staff/<template>`` inside the console's frame."""
        body = render(f"staff/{template}", **frame(self, title_key), **context)
        return html_response(body, status=status, headers={"Content-Language": self.lang,
                                                           "Content-Security-Policy": _policy()})

    def go(self, path: str) -> Response:
        """303 to a console path (POST-redirect-GET)."""
        return redirect(self.base + path)


def frame(visit: Visit, title_key: str) -> dict:
    """The template variables of the console's layout (navigation, language links, CSRF)."""
    words, path = visit.words, _path(visit.request)
    signed_in = visit.session is not None
    return {
        "t": words, "lang": visit.lang, "title": words(title_key), "base": visit.base,
        "names": {code: Words(code)("language.name") for code in ("fi", "sv", "en")},
        "lang_urls": [(code, _with_language(visit, path, code)) for code in ("fi", "sv", "en")],
        "nav": [(words(f"staff.nav.{name}"), visit.base + url, _current(path, url))
                for name, url in NAV] if signed_in else [],
        "who": visit.actor.label() if signed_in else None,
        "csrf": cookies.csrf_token(_key(), visit.session) if signed_in else "",
        "support_phone": "",
    }


def _with_language(visit: Visit, path: str, code: str) -> str:
    """This page in language ``code``, keeping its other query parameters (a GET's own)."""
    kept = {} if visit.request.method != "GET" else {
        k: v for k, v in (visit.request.query_params or {}).items() if k != "lang"}
    return f"{visit.base}{path}?{urlencode({**kept, 'lang': code})}"


def console_route(bp, path: str, methods=("GET",), coordinator: bool = False,
                  signed_in: bool = True):
    """Register a console view ``view(visit, **params)`` on ``bp``.

    Args:
        bp: the blueprint.
        path: the route.
        methods: GET and/or POST (a POST takes only form bodies and checks CSRF).
        coordinator: the page is for coordinators only (a worker gets the 403 page).
        signed_in: False for the sign-in routes themselves.
    """

    def decorate(view_function):
        @functools.wraps(view_function)
        def wrapped(**params):
            request = bp.current_request
            visit = _visit(request)
            try:
                if signed_in and visit.session is None:
                    return _to_signin(visit)
                if request.method == "POST" and signed_in:
                    _check_form(visit)
                if coordinator:
                    visit.actor.is_coordinator or _forbid()
                response = view_function(visit, **params)
            except Exception as exc:  # noqa: BLE001 - domain errors, and the last line of defence
                response = _error_page(visit, failure_of(exc, path).status)
            return _with_cookies(visit, response)

        extra = {"content_types": FORM} if "POST" in methods else {}
        bp.route(path, methods=list(methods), **extra)(wrapped)
        return view_function

    return decorate


# The console's words for an answer's status; any other refusal is "the request was wrong".
ERROR_TEXTS = {403: "staff.error.forbidden", 404: "staff.error.notfound",
               500: "staff.error.unexpected", 503: "staff.error.unexpected"}


def _error_page(visit: Visit, status: int) -> Response:
    if status not in ERROR_TEXTS:
        status = 400
    return _error(visit, status, ERROR_TEXTS.get(status, "staff.error.bad"))


def _visit(request) -> Visit:
    wiring, now = bootstrap.wiring(), bootstrap.now()
    header = (request.headers or {}).get("cookie")
    session = cookies.read_session(_key(), header, now)
    if session is not None and wiring.sessions.is_ended(session.sid):
        session = None
    language = choose_language(query_param(request, "lang"),
                               cookies.cookies(header).get(LANG_COOKIE),
                               accepted_language((request.headers or {}).get("accept-language")))
    form = {}
    if request.method == "POST":
        form = parse_qs((request.raw_body or b"").decode("utf-8", "replace"),
                        keep_blank_values=True)
    visit = Visit(request, now, session, Words(language), _base())
    visit.form = form
    return visit


def _check_form(visit: Visit) -> None:
    if not cookies.csrf_ok(_key(), visit.session, visit.field("csrf")):
        raise Forbidden("the form's CSRF token is missing or wrong", code="bad_form")


def _forbid() -> None:
    raise Forbidden("this page is for coordinators")


def _to_signin(visit: Visit) -> Response:
    path = _path(visit.request)
    return redirect(f"{visit.base}/staff/login?next={quote(path, safe='/')}")


def _error(visit: Visit, status: int, key: str) -> Response:
    return visit.page("error.html", f"{key}_title", status=status, text=visit.words(key))


def _with_cookies(visit: Visit, response: Response) -> Response:
    """Add the refreshed session and a chosen language to the response's cookies."""
    secure = not bootstrap.wiring().settings.is_local
    extra = []
    if visit.session is not None and not getattr(response, "ends_session", False):
        extra.append(cookies.session_cookie(_key(), cookies.touched(visit.session, visit.now),
                                            secure, cookie_path()))
    asked = query_param(visit.request, "lang")
    if asked == visit.lang:
        extra.append(f"{LANG_COOKIE}={asked}; Max-Age=31536000; Path={cookie_path()}; "
                     f"HttpOnly; SameSite=Lax{'; Secure' if secure else ''}")
    present = response.headers.get("Set-Cookie")
    present = [present] if isinstance(present, str) else list(present or [])
    if present or extra:
        response.headers["Set-Cookie"] = present + extra
    return response


def _path(request) -> str:
    """The request's path below the API's base path (``/staff/cases``)."""
    path = (request.context or {}).get("resourcePath") or "/staff/"
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _current(path: str, url: str) -> bool:
    return path == url.rstrip("/") or path == url or (url != "/staff/" and path.startswith(url))


def _policy() -> str:
    """The pages' CSP, but sign-out's form may lead on to the provider (form-action covers
    the redirect after a POST): its origin is allowed as a form target too."""
    issuer = urlparse(bootstrap.wiring().settings.oidc_issuer or "")
    if not issuer.scheme:
        return CSP
    provider = f"{issuer.scheme}://{issuer.netloc}"
    return CSP.replace("form-action 'self'", f"form-action 'self' {provider}")


def cookie_path() -> str:
    """The console's cookies' path: ``/staff`` below the public URL's path."""
    return f"{_base()}{cookies.PATH}"


def _key() -> bytes:
    return csrf.server_key(bootstrap.wiring().settings)


def _base() -> str:
    return urlparse(bootstrap.wiring().settings.public_url).path
