"""Regression tests for defects that bench/ and the fuzzer found, one per defect."""

from __future__ import annotations

import time_machine

from harness.booking import NOW, TUESDAY, at, book, make_family


def test_a_family_feed_with_two_booked_appointments_is_not_a_500(client, token):
    # Appointment items (pk=APPT#<id>, sk=APPT) were read as id "APPT": every event of
    # the family feed had the same UID and rendering refused them.
    with time_machine.travel(NOW, tick=False):
        family = make_family(client, token("coordinator"))
        first = book(client, family, at(TUESDAY, 10))[1]
        second = book(client, family, at(TUESDAY.replace(day=3), 10))[1]
        feed = client.http.get(f"{family.base}/calendar.ics")
        single = client.http.get(f"{family.base}/appointments/{second['id']}.ics")
    assert feed.status_code == 200
    assert f"appt-{first['id']}@tapaamo".encode() in feed.body
    assert f"appt-{second['id']}@tapaamo".encode() in feed.body
    assert single.status_code == 200 and f"appt-{second['id']}".encode() in single.body


def test_an_unknown_stylesheet_is_a_plain_text_404_not_an_empty_json_body(client):
    # Found by schemathesis: 404 with an empty body labelled application/json.
    response = client.http.get("/static/%C2%84")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.body == b"not found"


def test_a_form_post_with_a_non_ascii_csrf_token_is_a_403_page_not_a_500(client, token):
    # Found by schemathesis: hmac.compare_digest raised TypeError on a non-ASCII str.
    with time_machine.travel(NOW, tick=False):
        family = make_family(client, token("coordinator"))
        response = client.http.post(f"{family.base}/page/book",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                                    body="csrf=%C3%95%F1%BF%BD%8D&start=x&location=home")
    assert response.status_code == 403


def test_the_acknowledgement_page_carries_the_security_headers(client):
    response = client.http.get("/ack/not-a-real-token")
    assert response.status_code == 404
    assert "default-src" in response.headers["Content-Security-Policy"]


def test_family_help_with_nobody_on_call_is_not_a_500(client, token):
    # Found by the log-privacy flow: two operations on one item in the escalation's
    # first commit when nobody was on call (fixed on main meanwhile).
    with time_machine.travel(NOW, tick=False):
        family = make_family(client, token("coordinator"))
        response = client.http.post(f"{family.base}/help",
                                    headers={"Content-Type": "application/json"},
                                    body='{"message": "apua"}')
    assert response.status_code == 201
