"""The booking page's error pages speak the browser's language when they know no case."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from chalicelib.web.i18n import catalogue
from harness.api import call
from harness.booking import clock, coord, family  # noqa: F401 - fixtures

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SECURITY = ("content-security-policy", "referrer-policy", "cache-control",
            "x-content-type-options", "x-frame-options")


def unknown_link(client, family, headers, query=""):
    return client.http.get(f"/book/{family.case}.{'x' * 24}{query}", headers=headers)


def unknown_appointment(client, family, headers, query=""):
    return client.http.get(f"{family.base}/page/booked/no-such-appointment{query}",
                           headers=headers)


def forged_form(client, family, headers, query=""):
    return client.http.post(f"{family.base}/page/book{query}", headers={**FORM, **headers},
                            body=urlencode({"csrf": "forged", "start": "x", "location": "home"}))


def broken_store(client, family, headers, query=""):
    return client.http.get(f"{family.base}{query}", headers=headers)


ERROR_PAGES = {  # name: (request, status, title key)
    "unknown link": (unknown_link, 404, "notfound.title"),
    "unknown appointment": (unknown_appointment, 404, "notfound.title"),
    "forged form": (forged_form, 403, "error.form_title"),
    "server error": (broken_store, 500, "error.title"),
}


@pytest.fixture
def fail_on_open(monkeypatch):
    """Every link opening fails unexpectedly (a 500 for ``broken_store``)."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("store down")

    monkeypatch.setattr("chalicelib.api.page.open_link", broken)


def error_page(client, family, request, name, accept=None, query="", cookie=None):
    """The page's response and its headers (lower-cased names), as ``request`` gets it."""
    headers = {"Accept-Language": accept} if accept is not None else {}
    if cookie:
        headers["Cookie"] = cookie
    if name == "server error":
        request.getfixturevalue("fail_on_open")
    response = ERROR_PAGES[name][0](client, family, headers, query)
    return response, {k.lower(): v for k, v in response.headers.items()}


def assert_speaks(response, headers, language: str, title_key: str):
    html = response.body.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{catalogue(language)[title_key]}</h1>" in html
    assert headers["content-language"] == language
    assert "Accept-Language" in headers["vary"]


@pytest.mark.parametrize("name", ERROR_PAGES)
@pytest.mark.parametrize("accept, language", [
    ("fi-FI,fi;q=0.9", "fi"), ("sv-FI,sv;q=0.9,fi;q=0.8", "sv"), ("en-GB,en;q=0.9", "en")])
def test_each_error_page_speaks_the_browsers_language_with_its_status_unchanged(
        client, family, request, name, accept, language):
    response, headers = error_page(client, family, request, name, accept)
    _, status, title_key = ERROR_PAGES[name]
    assert response.status_code == status
    assert_speaks(response, headers, language, title_key)
    assert all(headers[header] for header in SECURITY)


@pytest.mark.parametrize("accept, language", [
    ("fi;q=0.2, en-GB;q=0.9, sv;q=0.5", "en"),
    ("de-DE, sv;q=0.3, en;q=0.1", "sv"),
    ("en;q=0, sv-FI;q=0.1", "sv"),
])
def test_the_most_wanted_supported_language_wins_by_q_value(
        client, family, request, accept, language):
    response, headers = error_page(client, family, request, "unknown link", accept)
    assert_speaks(response, headers, language, "notfound.title")


@pytest.mark.parametrize("accept", [None, "", "de-DE, fr;q=0.9", "*", "sv;q=0, en;q=0"])
def test_without_a_supported_browser_language_the_error_page_is_finnish(
        client, family, request, accept):
    response, headers = error_page(client, family, request, "unknown appointment", accept)
    assert response.status_code == 404
    assert_speaks(response, headers, "fi", "notfound.title")


@pytest.mark.parametrize("name", ["unknown link", "forged form"])
def test_the_lang_query_beats_the_browsers_language(client, family, request, name):
    response, headers = error_page(client, family, request, name, "en-GB", query="?lang=sv")
    assert response.status_code == ERROR_PAGES[name][1]
    assert_speaks(response, headers, "sv", ERROR_PAGES[name][2])


def test_the_remembered_language_cookie_beats_the_browsers_language(client, family, request):
    response, headers = error_page(client, family, request, "forged form", "sv-FI",
                                   cookie="tapaamo_lang=en")
    assert response.status_code == 403
    assert_speaks(response, headers, "en", "error.form_title")


def test_an_unsupported_lang_query_leaves_the_choice_to_the_browser(client, family, request):
    response, headers = error_page(client, family, request, "server error", "sv",
                                   query="?lang=de")
    assert response.status_code == 500
    assert_speaks(response, headers, "sv", "error.title")


def test_a_revoked_link_keeps_the_cases_language_over_the_browsers_unless_lang_is_asked(
        client, family):
    status, _ = call(client, "PATCH", f"/cases/{family.case}", family.coord,
                     {"contact": {"phone": "040 123 4567", "language": "sv"}})
    assert status == 200
    assert call(client, "DELETE", f"/cases/{family.case}/booking-links", family.coord)[0] == 204
    for query, language in (("", "sv"), ("?lang=en", "en")):
        response = client.http.get(f"{family.base}{query}", headers={"Accept-Language": "fi"})
        headers = {k.lower(): v for k, v in response.headers.items()}
        assert response.status_code == 410
        assert_speaks(response, headers, language, "gone.title")
