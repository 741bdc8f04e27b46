"""The language cookie is ``Secure`` outside the local stage (and on https locally)."""

from __future__ import annotations

from chalice.test import Client

from app import app
from harness.booking import clock, coord, family  # noqa: F401 - fixtures


def remembered(test_client, family) -> str:
    response = test_client.http.get(f"{family.base}?lang=sv")
    assert response.status_code == 200
    return response.headers["Set-Cookie"]


def test_the_local_stage_on_plain_http_sets_the_cookie_without_secure(client, family):
    cookie = remembered(client, family)
    assert cookie.startswith("tapaamo_lang=sv;") and "HttpOnly" in cookie
    assert "Secure" not in cookie


def test_a_deployed_stage_sets_the_cookie_secure_even_behind_a_plain_http_url(family,
                                                                              monkeypatch):
    # The public URL setting is plain http here (see the aws fixture): the stage decides.
    monkeypatch.setenv("TAPAAMO_PAGE_KEY", "k" * 32)  # a deployed stage signs forms with it
    with Client(app, stage_name="prod") as prod:
        cookie = remembered(prod, family)
    assert cookie.startswith("tapaamo_lang=sv;") and "; Secure" in cookie


def test_the_local_stage_behind_https_sets_the_cookie_secure(client, family, monkeypatch):
    monkeypatch.setenv("TAPAAMO_PUBLIC_URL", "https://tapaamo.test")
    assert "; Secure" in remembered(client, family)
