"""Console sign-in and sign-out: ``/staff/login`` → the identity provider → ``/staff/callback``.

The attempt's ``state``, ``nonce`` and PKCE verifier wait in a signed cookie; the callback
refuses a wrong state, a code the provider refuses (a replayed one), a missing verifier
and an ID token with a wrong nonce, and answers with a page saying so. Roles come from the
ID token's claims exactly as the API reads them from a bearer token.
"""

from __future__ import annotations

import re

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route, cookie_path
from chalicelib.api.http import query_param
from chalicelib.auth import role_of
from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Unauthorized
from chalicelib.web import oidc
from chalicelib.web import session as cookies
from chalicelib.web.csrf import server_key
from chalicelib.web.render import redirect

bp = Blueprint(__name__)
# Where a sign-in may lead back to: a console path, never another site (open redirect).
CONSOLE_PATH = re.compile(r"/staff(/[A-Za-z0-9/_.-]*)?")


@console_route(bp, "/staff/login", signed_in=False)
def login(visit: Visit):
    settings = bootstrap.wiring().settings
    if query_param(visit.request, "signed_out"):
        return visit.page("signed_out.html", "staff.signout.done_title")
    wanted = query_param(visit.request, "next") or "/staff/"
    next_path = wanted if CONSOLE_PATH.fullmatch(wanted) and "//" not in wanted else "/staff/"
    try:
        url, attempt = oidc.begin(settings, _callback_url(), next_path)
    except Unauthorized:
        return visit.page("error.html", "staff.signin.unavailable_title", status=503,
                          text=visit.words("staff.signin.unavailable"))
    cookie = cookies.attempt_cookie(_key(), attempt, visit.now, not settings.is_local,
                                    cookie_path())
    return redirect(url, headers={"Set-Cookie": cookie})


@console_route(bp, "/staff/callback", signed_in=False)
def callback(visit: Visit):
    settings = bootstrap.wiring().settings
    header = (visit.request.headers or {}).get("cookie")
    attempt = cookies.read_attempt(_key(), header, visit.now)
    secure = not settings.is_local
    gone = cookies.cleared(cookies.SIGNIN_COOKIE, secure, cookie_path())  # used once
    try:
        if attempt is None:
            raise Unauthorized("no sign-in is under way", code="no_attempt")
        if query_param(visit.request, "error"):
            raise Unauthorized("the provider refused the sign-in", code="provider_error")
        claims = oidc.finish(settings, attempt, query_param(visit.request, "state"),
                             query_param(visit.request, "code"), _callback_url(), visit.now)
        actor = _actor(claims)
    except Unauthorized as error:
        response = visit.page("signin_failed.html", "staff.signin.failed_title", status=401,
                              reason=error.code)
        response.headers["Set-Cookie"] = [gone]
        return response
    session = cookies.new_session(actor, visit.now)
    return redirect(visit.base + attempt.next, headers={"Set-Cookie": [
        gone, cookies.session_cookie(_key(), session, secure, cookie_path())]})


@console_route(bp, "/staff/logout")
def logout_page(visit: Visit):
    return visit.page("logout.html", "staff.signout.title")


@console_route(bp, "/staff/logout", methods=["POST"])
def logout(visit: Visit):
    settings = bootstrap.wiring().settings
    bootstrap.wiring().sessions.end(visit.session.sid, visit.session.ends_at)
    after = f"{settings.public_url}/staff/login?signed_out=1"
    try:
        target = oidc.end_session_url(settings, after) or after
    except Unauthorized:
        target = after
    response = redirect(target, headers={
        "Set-Cookie": [cookies.cleared(cookies.SESSION_COOKIE, not settings.is_local,
                                       cookie_path())]})
    response.ends_session = True
    return response


def _actor(claims: dict) -> Actor:
    role = role_of(claims)
    if role is None:
        raise Unauthorized("the account has no Tapaamo role", code="no_role")
    worker = claims.get("worker_id")
    if role == "worker" and not worker:
        raise Unauthorized("a worker account needs a worker id", code="no_role")
    return Actor(subject=str(claims["sub"]), role=role, worker_id=worker or None)


def _callback_url() -> str:
    return f"{bootstrap.wiring().settings.public_url}/staff/callback"


def _key() -> bytes:
    return server_key(bootstrap.wiring().settings)
