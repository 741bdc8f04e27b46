"""The console's session cookie, its CSRF tokens and the ID-token checks, at pinned times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import RSAKey

from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Unauthorized
from chalicelib.web import oidc
from chalicelib.web import session as cookies
from chalicelib.web.staff_forms import form_field, hours_text

KEY = b"k" * 32
SIGNED_IN = datetime(2026, 3, 29, 6, 30, tzinfo=UTC)  # the morning DST starts in Helsinki
COORDINATOR = Actor(subject="coordinator", role="coordinator")


def cookie_header(set_cookie: str) -> str:
    return set_cookie.split(";")[0]


def signed_in(at=SIGNED_IN):
    session = cookies.new_session(COORDINATOR, at)
    return session, cookie_header(cookies.session_cookie(KEY, session, secure=False))


def test_a_fresh_session_reads_back_as_the_same_user():
    session, header = signed_in()
    read = cookies.read_session(KEY, header, SIGNED_IN + timedelta(minutes=5))
    assert read == session and read.actor == COORDINATOR


def test_sixty_idle_minutes_end_the_session_and_use_restarts_the_idle_clock():
    session, header = signed_in()
    assert cookies.read_session(KEY, header, SIGNED_IN + timedelta(minutes=59)) is not None
    assert cookies.read_session(KEY, header, SIGNED_IN + timedelta(minutes=60)) is None
    later = cookies.touched(session, SIGNED_IN + timedelta(minutes=50))
    renewed = cookie_header(cookies.session_cookie(KEY, later, secure=False))
    assert cookies.read_session(KEY, renewed, SIGNED_IN + timedelta(minutes=100)) is not None


def test_ten_hours_end_a_session_however_busy():
    session, _ = signed_in()
    at = SIGNED_IN
    for _ in range(20):  # used every 30 minutes
        at += timedelta(minutes=30)
        session = cookies.touched(session, at)
    header = cookie_header(cookies.session_cookie(KEY, session, secure=False))
    assert at == SIGNED_IN + timedelta(hours=10)
    assert cookies.read_session(KEY, header, at) is None
    assert cookies.read_session(KEY, header, at - timedelta(seconds=1)) is not None


def test_the_cookie_lasts_only_until_the_absolute_limit():
    session, _ = signed_in()
    later = cookies.touched(session, SIGNED_IN + timedelta(hours=9))
    assert "Max-Age=3600;" in cookies.session_cookie(KEY, later, secure=False)


def test_a_cookie_signed_with_another_key_or_altered_is_no_session():
    _, header = signed_in()
    other = cookie_header(cookies.session_cookie(b"x" * 32, signed_in()[0], secure=False))
    assert cookies.read_session(KEY, other, SIGNED_IN) is None
    name, _, value = header.partition("=")
    assert cookies.read_session(KEY, f"{name}={value[:-2]}xx", SIGNED_IN) is None


def test_the_secure_flag_is_set_outside_the_local_stage():
    session, _ = signed_in()
    flags = cookies.session_cookie(KEY, session, secure=True).split("; ")[1:]
    assert {"HttpOnly", "SameSite=Lax", "Secure", "Path=/staff"} <= set(flags)


def test_a_csrf_token_fits_only_its_own_session():
    one, two = signed_in()[0], signed_in()[0]
    assert cookies.csrf_ok(KEY, one, cookies.csrf_token(KEY, one))
    assert not cookies.csrf_ok(KEY, two, cookies.csrf_token(KEY, one))
    assert not cookies.csrf_ok(KEY, one, None) and not cookies.csrf_ok(KEY, one, "ä")


@given(st.text())
def test_any_cookie_header_gives_a_session_or_none(header):
    assert cookies.read_session(KEY, header, SIGNED_IN) is None


def test_a_sign_in_attempt_expires_after_ten_minutes():
    attempt = oidc.LoginAttempt("state", "nonce", "verifier", "/staff/cases")
    header = cookie_header(cookies.attempt_cookie(KEY, attempt, SIGNED_IN, secure=False))
    assert cookies.read_attempt(KEY, header, SIGNED_IN + timedelta(minutes=9)) == attempt
    assert cookies.read_attempt(KEY, header, SIGNED_IN + timedelta(minutes=11)) is None


# --- ID tokens ------------------------------------------------------------------------

PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
ISSUER, CLIENT = "https://login.example.org", "tapaamo-console"


def id_token(key=PROVIDER_KEY, **claims) -> str:
    now = int(SIGNED_IN.timestamp())
    body = {"iss": ISSUER, "aud": CLIENT, "sub": "w-aino", "iat": now, "exp": now + 600,
            "nonce": "n-1", "role": "worker", "worker_id": "w-aino", **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key)


def keys(refresh=False):
    return {"keys": [PROVIDER_KEY.as_dict(private=False)]}


def verify(token, nonce="n-1", at=SIGNED_IN):
    return oidc.verify_id_token(token, keys, ISSUER, CLIENT, nonce, at)


def test_a_valid_id_token_gives_its_claims():
    assert verify(id_token())["worker_id"] == "w-aino"


@pytest.mark.parametrize("token, nonce, at", [
    (id_token(), "another-nonce", SIGNED_IN),
    (id_token(iss="https://evil.example"), "n-1", SIGNED_IN),
    (id_token(aud="someone-else"), "n-1", SIGNED_IN),
    (id_token(), "n-1", SIGNED_IN + timedelta(minutes=12)),
    (id_token(nonce=None), "n-1", SIGNED_IN),
    (id_token(RSAKey.generate_key(2048, parameters={"kid": "k1"})), "n-1", SIGNED_IN),
], ids=["wrong-nonce", "wrong-issuer", "wrong-audience", "expired", "no-nonce", "forged"])
def test_an_id_token_failing_any_check_is_refused(token, nonce, at):
    with pytest.raises(Unauthorized):
        verify(token, nonce, at)


def test_an_unsigned_id_token_is_refused():
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = id_token().split(".")[1]
    with pytest.raises(Unauthorized):
        verify(f"{header}.{body}.")


def test_a_new_key_id_fetches_the_keys_again():
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    fetched = []

    def provider_keys(refresh=False):
        fetched.append(refresh)
        return {"keys": [(rotated if refresh else PROVIDER_KEY).as_dict(private=False)]}

    token = id_token(rotated)
    assert oidc.verify_id_token(token, provider_keys, ISSUER, CLIENT, "n-1", SIGNED_IN)
    assert fetched == [False, True]


# --- forms ----------------------------------------------------------------------------

@pytest.mark.parametrize("api_field, expected", [
    ("contact.phone", "phone"), ("workers.1", "worker2"), ("workers", "worker1"),
    ("start_date", "start_date"), (None, "form"), ("reminders.0", "reminders")])
def test_an_api_message_goes_beside_its_form_field(api_field, expected):
    from chalicelib.web.staff_forms import CASE_FIELDS

    assert form_field(api_field, CASE_FIELDS) == expected


def test_reminder_hours_read_as_people_write_them():
    assert hours_text((24.0, 2.5)) == "24, 2.5"
