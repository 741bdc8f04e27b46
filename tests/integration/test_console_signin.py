"""Console sign-in against the real local stack and its real OpenID provider (npm oidc-provider).

Every refusal the sign-in promises is tried as an attacker would: a callback with another
``state``, a code used twice, an attempt without its PKCE verifier, an ID token minted for
another ``nonce``; and a form without its CSRF token, the cookie's flags, and an old
cookie after sign-out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
import requests
from itsdangerous import URLSafeSerializer

from chalicelib.web import oidc
from chalicelib.web import session as cookies
from harness.console import csrf_of, sign_in, until_callback

pytestmark = pytest.mark.localstack


@pytest.fixture(scope="module")
def stack(local_stack):
    return local_stack


def page_key(stack) -> bytes:
    return (Path(stack.environment["TAPAAMO_LOCAL_DIR"]) / "page-key").read_text().strip().encode()


def attempt_in(stack, browser: requests.Session) -> dict:
    """The sign-in attempt the console left in the browser (state, nonce, verifier)."""
    value = browser.cookies.get(cookies.SIGNIN_COOKIE, path="/staff")
    return URLSafeSerializer(page_key(stack), salt="staff-signin").loads(value)


def forge_attempt(stack, browser: requests.Session, **changes) -> None:
    """Replace the browser's attempt cookie with a correctly signed, altered one."""
    data = {**attempt_in(stack, browser), **changes}
    data.pop("at")
    attempt = oidc.LoginAttempt(**data)
    header = cookies.attempt_cookie(page_key(stack), attempt, datetime.now(UTC), secure=False)
    browser.cookies.set(cookies.SIGNIN_COOKIE, header.split(";")[0].partition("=")[2],
                        path="/staff", domain=urlparse(stack.base_url).hostname)


def with_query(url: str, **changes) -> str:
    parts = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunparse(parts._replace(query=urlencode(query)))


def test_not_signed_in_a_console_page_redirects_to_sign_in_never_json(stack):
    answer = requests.get(f"{stack.base_url}/staff/cases/kdemo001", allow_redirects=False,
                          timeout=30)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/staff/login?next=/staff/cases/kdemo001"
    to_provider = requests.get(stack.base_url + answer.headers["Location"],
                               allow_redirects=False, timeout=30)
    query = parse_qs(urlparse(to_provider.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and query["response_type"] == ["code"]


def test_a_coordinator_signs_in_and_lands_where_they_were_going(stack):
    browser, callback = until_callback(stack.base_url, "coordinator", "/staff/cases/kdemo001")
    answer = browser.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff/cases/kdemo001"
    page = browser.get(stack.base_url + "/staff/cases/kdemo001", timeout=30)
    assert page.status_code == 200 and "kdemo001" in page.text and "coordinator:" in page.text


def test_the_session_cookie_is_httponly_lax_and_scoped_to_the_console(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    answer = browser.get(callback, allow_redirects=False, timeout=30)
    session_header = next(h for h in answer.raw.headers.getlist("Set-Cookie")
                          if h.startswith(cookies.SESSION_COOKIE + "="))
    flags = [part.strip() for part in session_header.split(";")[1:]]
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/staff" in flags
    assert "Max-Age=36000" in flags
    assert "Secure" not in flags  # the local stage is plain http on loopback
    cleared = next(h for h in answer.raw.headers.getlist("Set-Cookie")
                   if h.startswith(cookies.SIGNIN_COOKIE + "="))
    assert "Max-Age=0" in cleared  # the attempt is used once


def test_a_callback_with_another_state_is_refused(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    answer = browser.get(with_query(callback, state="not-the-one-sent"), timeout=30)
    assert answer.status_code == 401 and "bad_state" in answer.text
    assert cookies.SESSION_COOKIE not in browser.cookies


def test_a_replayed_code_is_refused_by_the_provider(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    kept = browser.cookies.get(cookies.SIGNIN_COOKIE, path="/staff")
    assert browser.get(callback, allow_redirects=False, timeout=30).status_code == 303
    thief = requests.Session()
    thief.cookies.set(cookies.SIGNIN_COOKIE, kept, path="/staff",
                      domain=urlparse(stack.base_url).hostname)
    answer = thief.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 401 and "code_refused" in answer.text


def test_an_attempt_without_its_pkce_verifier_is_refused(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    forge_attempt(stack, browser, verifier=None)
    answer = browser.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 401 and "bad_callback" in answer.text


def test_the_provider_refuses_a_code_without_the_verifier_it_was_issued_for(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    code = parse_qs(urlparse(callback).query)["code"][0]
    issuer = stack.environment["OIDC_ISSUER"]
    answer = requests.post(f"{issuer}/token", timeout=30, data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": f"{stack.base_url}/staff/callback"},
        auth=(stack.environment["OIDC_CLIENT_ID"], stack.environment["OIDC_CLIENT_SECRET"]))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_an_id_token_for_another_nonce_is_refused(stack):
    browser, callback = until_callback(stack.base_url, "coordinator")
    forge_attempt(stack, browser, nonce="a-nonce-the-provider-never-saw")
    answer = browser.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 401 and "bad_token" in answer.text
    assert cookies.SESSION_COOKIE not in browser.cookies


def test_a_form_without_its_csrf_token_is_refused(stack):
    browser = sign_in(stack.base_url, "coordinator")
    page = browser.get(f"{stack.base_url}/staff/cases/kdemo001", timeout=30)
    target = f"{stack.base_url}/staff/cases/kdemo001/links/revoke"
    assert browser.post(target, data={"send": ""}, allow_redirects=False,
                        timeout=30).status_code == 403
    other = sign_in(stack.base_url, "coordinator")  # another session's token is no better
    foreign = csrf_of(other.get(f"{stack.base_url}/staff/", timeout=30).text)
    assert browser.post(target, data={"csrf": foreign}, allow_redirects=False,
                        timeout=30).status_code == 403
    done = browser.post(target, data={"csrf": csrf_of(page.text)}, allow_redirects=False,
                        timeout=30)
    assert done.status_code == 303 and done.headers["Location"].endswith("notice=links_revoked")


def test_signing_out_makes_the_old_cookie_useless(stack):
    browser = sign_in(stack.base_url, "coordinator")
    old = browser.cookies.get(cookies.SESSION_COOKIE, path="/staff")
    home = browser.get(f"{stack.base_url}/staff/", timeout=30)
    out = browser.post(f"{stack.base_url}/staff/logout", data={"csrf": csrf_of(home.text)},
                       allow_redirects=False, timeout=30)
    assert out.status_code == 303
    assert out.headers["Location"].startswith(stack.environment["OIDC_ISSUER"] + "/session/end")
    replay = requests.get(f"{stack.base_url}/staff/", cookies={cookies.SESSION_COOKIE: old},
                          allow_redirects=False, timeout=30)
    assert replay.status_code == 303 and replay.headers["Location"].startswith("/staff/login")


def test_a_worker_opening_a_coordinator_page_gets_403_in_their_language(stack):
    browser = sign_in(stack.base_url, "w-aino")
    finnish = browser.get(f"{stack.base_url}/staff/workers", timeout=30)
    assert finnish.status_code == 403 and "Ei käyttöoikeutta" in finnish.text
    swedish = browser.get(f"{stack.base_url}/staff/cases/new", timeout=30,
                          headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert swedish.status_code == 403 and 'lang="sv"' in swedish.text
    assert "Ingen behörighet" in swedish.text


def test_a_worker_sees_their_case_and_not_another(stack):
    browser = sign_in(stack.base_url, "w-aino")
    assert browser.get(f"{stack.base_url}/staff/cases/kdemo001", timeout=30).status_code == 200
    assert browser.get(f"{stack.base_url}/staff/cases/kdemo002", timeout=30).status_code == 404


def test_every_console_view_of_a_case_is_in_its_access_log(stack):
    worker = sign_in(stack.base_url, "w-eero")
    assert worker.get(f"{stack.base_url}/staff/cases/kdemo001", timeout=30).status_code == 200
    coordinator = sign_in(stack.base_url, "coordinator")
    log = coordinator.get(f"{stack.base_url}/staff/cases/kdemo001/audit", timeout=30)
    assert log.status_code == 200
    assert "worker:w-eero" in log.text and "console.case.read" in log.text
