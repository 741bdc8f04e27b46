"""The family's booking page (HTML) through chalice.test.Client on moto, with a pinned clock."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from harness.api import call
from harness.booking import (TUESDAY, at, book, clock, coord,  # noqa: F401 - fixtures
                                   family, make_family)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def get(client, path, headers=None):
    response = client.http.get(path, headers=headers or {})
    return response, response.body.decode()


def header(response, name: str) -> str:
    return {k.lower(): v for k, v in response.headers.items()}[name]


def form_fields(html: str) -> dict:
    return {name: unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)}


def post_form(client, path, fields):
    return client.http.post(path, headers=FORM, body=urlencode(fields))


def confirm(client, family, start, place="home", **extra):
    query = urlencode({"start": start, "place": place, **extra})
    response, html = get(client, f"{family.base}/page/confirm?{query}")
    assert response.status_code == 200, html
    return html


def assert_html_security_headers(response):
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["content-type"].startswith("text/html")
    assert "script-src 'self';" in headers["content-security-policy"]
    assert "unsafe" not in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_page_shows_the_support_phone_free_slots_and_the_places_in_finnish(client, family):
    response, html = get(client, f"{family.base}?week=2026-11-30")
    assert response.status_code == 200
    assert '<html lang="fi">' in html
    assert "Tukipuhelin 24 h" in html and "+358 9 310 44222" in html
    assert "tiistai 1.12." in html and "Kotona" in html and "Kallio" in html
    # The one script is the page's own static file, never inline (the CSP forbids it).
    assert re.findall(r"<script[^>]*>[^<]*</script>", html) == [
        re.search(r'<script src="/static/page-[0-9a-f]{12}\.js" defer></script>', html).group(0)]


def test_every_html_answer_carries_the_security_headers(client, family):
    for path in (family.base, f"{family.base}/page/confirm?" + urlencode(
            {"start": at(TUESDAY, 10), "place": "home"}), "/book/nobody.xxxxxxxxxxxxxxxxxxxxxxxxxxx"):
        assert_html_security_headers(client.http.get(path))


def test_the_stylesheet_is_served_under_its_hash_with_a_long_cache(client, family):
    _, html = get(client, family.base)
    href = re.search(r'href="(/static/page-[0-9a-f]+\.css)"', html).group(1)
    response = client.http.get(href)
    assert response.status_code == 200 and "immutable" in header(response, "cache-control")
    assert client.http.get("/static/page-000000000000.css").status_code == 404


def test_an_unknown_link_gets_a_plain_404_page(client, family):
    response, html = get(client, f"/book/{family.case}.{'x' * 24}")
    assert response.status_code == 404 and "Sivua ei löydy" in html


@pytest.mark.parametrize("start", ["tomorrow", "2026-12-01T10:00:00",
                                   "9999-12-31T23:59:59-01:00"])  # the last was a 500
def test_a_confirm_link_whose_start_names_no_instant_gets_the_404_page(client, family, start):
    response, html = get(client, f"{family.base}/page/confirm?" + urlencode(
        {"start": start, "place": "home"}))
    assert response.status_code == 404 and "Sivua ei löydy" in html


def test_a_revoked_link_gets_a_friendly_410_page_in_the_familys_language(client, family, token):
    status, _ = call(client, "PATCH", f"/cases/{family.case}", family.coord,
                     {"contact": {"phone": "040 123 4567", "language": "sv"}})
    assert status == 200
    assert call(client, "DELETE", f"/cases/{family.case}/booking-links", family.coord)[0] == 204
    response, html = get(client, family.base)
    assert response.status_code == 410
    assert '<html lang="sv">' in html and "Be dina familjearbetare om en ny länk" in html
    assert "+358 9 310 44222" in html
    assert_html_security_headers(response)


def test_the_language_is_switched_by_query_and_remembered_by_a_cookie_on_the_link_path(client, family):
    response, html = get(client, f"{family.base}?lang=en")
    assert '<html lang="en">' in html and "Free times" in html
    cookie = header(response, "set-cookie")
    assert f"Path={family.base}" in cookie and "SameSite=Strict" in cookie
    _, html = get(client, family.base, {"Cookie": cookie.split(";")[0]})
    assert '<html lang="en">' in html


def test_booking_posts_then_redirects_to_a_confirmation_page(client, family):
    html = confirm(client, family, at(TUESDAY, 10))
    assert "ti 1.12. klo 10.00–11.30" in html
    response = post_form(client, f"{family.base}/page/book", form_fields(html))
    assert response.status_code == 303
    location = header(response, "location")
    assert re.fullmatch(rf"{family.base}/page/booked/[\w-]+", location)
    page, html = get(client, location)
    assert page.status_code == 200 and "Tapaaminen on varattu" in html
    assert ".ics" in html and "ti 1.12. klo 10.00–11.30" in html


def test_a_post_without_a_valid_csrf_token_changes_nothing(client, family):
    fields = form_fields(confirm(client, family, at(TUESDAY, 10)))
    response = post_form(client, f"{family.base}/page/book", {**fields, "csrf": "forged"})
    assert response.status_code == 403
    _, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert listed["appointments"] == []


def test_a_slot_taken_meanwhile_sends_the_family_back_to_fresh_slots_keeping_the_place(client, family):
    fields = form_fields(confirm(client, family, at(TUESDAY, 10), place=family.office))
    rival = make_family(client, family.coord, workers=family.workers, office=family.office)
    assert book(client, rival, at(TUESDAY, 10), family.office)[0] == 201
    response = post_form(client, f"{family.base}/page/book", fields)
    assert response.status_code == 303
    assert "notice=slot_taken" in header(response, "location")
    assert f"place={family.office}" in header(response, "location")
    _, html = get(client, header(response, "location").split("#")[0])
    assert "ehdittiin juuri varata" in html
    assert f'value="{family.office}" checked' in html


def test_cancelling_asks_first_then_cancels(client, family):
    _, made = book(client, family, at(TUESDAY, 10))
    response, html = get(client, f"{family.base}/page/cancel/{made['id']}")
    assert response.status_code == 200 and "Haluatko varmasti perua" in html
    response = post_form(client, f"{family.base}/page/cancel/{made['id']}", form_fields(html))
    assert response.status_code == 303 and "notice=cancelled" in header(response, "location")
    _, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert [a["status"] for a in listed["appointments"]] == ["cancelled"]


def test_moving_books_the_new_time_and_releases_the_old_one(client, family):
    _, made = book(client, family, at(TUESDAY, 10))
    _, html = get(client, f"{family.base}?move={made['id']}&week=2026-11-30")
    assert "Valitse uusi aika tapaamiselle" in html
    html = confirm(client, family, at(TUESDAY, 14), move=made["id"])
    assert "Nykyinen aika" in html
    response = post_form(client, f"{family.base}/page/move/{made['id']}", form_fields(html))
    assert response.status_code == 303 and header(response, "location").endswith("?moved=1")
    _, listed = call(client, "GET", f"{family.base}/appointments", {})
    by_status = {a["status"]: a["start"] for a in listed["appointments"]}
    assert by_status == {"cancelled": at(TUESDAY, 10), "booked": at(TUESDAY, 14)}


def test_another_cases_appointment_is_not_found_through_this_link(client, family, token):
    other = make_family(client, family.coord)
    _, made = book(client, other, at(TUESDAY, 10))
    response, _ = get(client, f"{family.base}/page/cancel/{made['id']}")
    assert response.status_code == 404


def test_a_double_tap_on_confirm_books_once(client, family):
    fields = form_fields(confirm(client, family, at(TUESDAY, 10)))
    assert fields["idempotency"]
    first = post_form(client, f"{family.base}/page/book", fields)
    again = post_form(client, f"{family.base}/page/book", fields)
    assert first.status_code == again.status_code == 303
    assert header(first, "location") == header(again, "location")
    _, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert len(listed["appointments"]) == 1


def test_the_add_to_calendar_links_give_valid_calendars(client, family):
    from tests.support.ics import assert_ics_wellformed, assert_parsers_agree

    made = book(client, family, at(TUESDAY, 10))[1]
    _, html = get(client, family.base)
    links = re.findall(r'href="([^"]+\.ics)"', html)
    assert f"{family.base}/appointments/{made['id']}.ics" in links
    assert f"{family.base}/calendar.ics" in links
    for link in links:
        response = client.http.get(link)
        assert response.status_code == 200
        assert header(response, "content-type") == "text/calendar; charset=utf-8"
        assert_ics_wellformed(response.body)
        assert [e["uid"] for e in assert_parsers_agree(response.body)] == [
            f"appt-{made['id']}@tapaamo"]


def open_escalation(family) -> str | None:
    from chalicelib import bootstrap

    return bootstrap.wiring().escalations.open_escalation_of(family.case)


def help_form(client, family) -> dict:
    _, html = get(client, family.base)
    assert f'action="{family.base}/page/help"' in html
    return {"csrf": form_fields(html)["csrf"]}


def put_on_call(client, family) -> None:
    status, body = call(client, "POST", "/oncall/rotations", family.coord, {
        "id": "r-day", "level": "primary", "workers": [family.workers[0]],
        "start": "2026-11-02T08:00:00+02:00", "shift_hours": 24})
    assert status in (200, 201), body


def test_the_help_button_pages_on_call_and_says_help_is_coming_in_the_familys_language(
        client, family):
    put_on_call(client, family)
    fields = {**help_form(client, family), "message": "tarvitsemme apua",
              "callback_phone": "040 765 4321"}
    response = post_form(client, f"{family.base}/page/help?lang=sv", fields)
    assert response.status_code == 303
    assert header(response, "location") == f"{family.base}/page/help-sent"
    page, html = get(client, f"{family.base}/page/help-sent?lang=sv")
    assert page.status_code == 200 and '<html lang="sv">' in html
    assert "Hjälp är på väg" in html and "+358 9 310 44222" in html and "112" in html
    assert_html_security_headers(page)
    escalation = open_escalation(family)
    status, body = call(client, "GET", f"/notifications?escalation={escalation}", family.coord)
    assert status == 200, body
    assert {"escalation", "escalation-received"} <= {n["kind"] for n in body["notifications"]}


def test_the_help_button_needs_the_forms_csrf_token(client, family):
    response = post_form(client, f"{family.base}/page/help", {"csrf": "forged"})
    assert response.status_code == 403
    assert open_escalation(family) is None


def test_a_bad_callback_number_sends_the_family_back_with_a_notice(client, family):
    fields = {**help_form(client, family), "callback_phone": "not a phone"}
    response = post_form(client, f"{family.base}/page/help", fields)
    assert response.status_code == 303
    assert "notice=help_invalid" in header(response, "location")
    assert open_escalation(family) is None


def test_asking_for_help_with_nobody_on_call_sends_the_fallback_at_once(client, family):
    # Regression: claiming and releasing the case's pointer in one transaction was a 500.
    status, body = call(client, "POST", f"{family.base}/help", {"Content-Type": "application/json"},
                        {})
    assert status == 201, body
    status, state = call(client, "GET", f"/escalations/{body['escalation_id']}", family.coord)
    assert status == 200, state
    assert "escalation-fallback" in {n["kind"] for n in state["notifications"]}
    assert open_escalation(family) is None

