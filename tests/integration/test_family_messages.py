"""Every message a family gets, as the family gets it: the text the local sink received, in
its language, with a link that opens the family's page.

Through the public API on moto with a pinned clock; sweeps run the scheduled function.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.workdays import at_local
from chalicelib.notify.texts import TEXTS
from tests.integration.test_reviews_api import run_job
from harness.api import call
from harness.booking import TUESDAY, at, book, clock, coord, make_family  # noqa: F401
from tests.support.notify import link_path, sink_messages

JSON = {"Content-Type": "application/json"}
PHONE, EMAIL = "+358401234567", "family@example.org"


def messages(aws, kind=None, language=None) -> list[dict]:
    """What the family's phone and mailbox got (of ``kind``: told by its subject)."""
    got = [m for m in sink_messages(aws["TAPAAMO_LOCAL_DIR"]) if m["to"] in (PHONE, EMAIL)]
    if kind is None:
        return got
    subjects = {TEXTS[kind][lang][0] for lang in ([language] if language else TEXTS[kind])}
    return [m for m in got if m["subject"] in subjects]


def sweep(client, clock, when=None):
    if when is not None:
        clock.move_to(when)
    return run_job(client, "sweep_notifications")


def family_of(client, coord, language="fi", **contact):
    return make_family(client, coord, contact={"phone": "040 123 4567", "email": EMAIL,
                                               "language": language, **contact})


def opens_the_familys_page(client, text: str, language: str) -> None:
    response = client.http.get(link_path(text))
    assert response.status_code == 200, text
    assert f'<html lang="{language}">' in response.body.decode()


def booked(client, family, start):
    status, body = book(client, family, start)
    assert status == 201, body
    return body["id"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_each_family_message_carries_a_link_to_the_familys_page(client, coord, clock, aws,
                                                                 language):
    family = family_of(client, coord, language)
    status, sent = call(client, "POST", f"/cases/{family.case}/booking-links", coord,
                        {"send": "sms", "valid_days": 14})
    assert status == 201 and sent["sent"] == "sms"
    sweep(client, clock)
    appointment = booked(client, family, at(TUESDAY, 10))
    sweep(client, clock)
    status, moved = call(client, "POST", f"{family.base}/appointments/{appointment}/move", JSON,
                         {"start": at(TUESDAY, 13), "location": "home"})
    assert status == 200, moved
    sweep(client, clock)
    # The 24 h reminder of the moved meeting, then a cancellation by the family.
    sweep(client, clock, at_local(TUESDAY - timedelta(days=1), 13, 1))
    status, _ = call(client, "POST", f"{family.base}/appointments/{moved['id']}/cancel", JSON)
    assert status == 200
    sweep(client, clock)
    got = messages(aws)
    kinds = ["booking-link", "confirmation", "rescheduled", "reminder", "cancellation"]
    assert [m["subject"] for m in got] == [TEXTS[k][language][0] for k in kinds]
    assert {m["channel"] for m in got} == {"sms"}  # one channel by default: the phone
    for message in got:
        opens_the_familys_page(client, message["body"], language)
    assert "13" in got[2]["body"] and "10" in got[2]["body"]  # the new time and the old


def test_a_move_sends_one_rescheduled_and_no_new_confirmation(client, coord, clock, aws):
    family = family_of(client, coord)
    appointment = booked(client, family, at(TUESDAY, 10))
    sweep(client, clock)
    status, _ = call(client, "POST", f"{family.base}/appointments/{appointment}/move", JSON,
                     {"start": at(TUESDAY, 14), "location": "home"})
    assert status == 200
    sweep(client, clock)
    [confirmation, rescheduled] = [m["body"] for m in messages(aws)]
    assert confirmation.startswith("Tapaaminen varattu: ti 1.12. klo 10.00")
    link = rescheduled.rsplit(" ", 1)[1]
    assert rescheduled == ("Uusi aika: ti 1.12. klo 14.00, kotona (oli ti 1.12. klo 10.00). "
                           f"Muuta: {link}")


def test_a_staff_booking_and_cancellation_reach_the_family_with_a_link(client, coord, clock,
                                                                       aws):
    family = family_of(client, coord, "sv")
    status, made = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(TUESDAY, 9), "location": "home"})
    assert status == 201, made
    sweep(client, clock)
    status, _ = call(client, "POST", f"/appointments/{made['id']}/cancel", coord)
    assert status == 200
    sweep(client, clock)
    got = messages(aws)
    assert [m["subject"] for m in got] == ["Mötet är bokat", "Mötet är avbokat"]
    for message in got:
        opens_the_familys_page(client, message["body"], "sv")


def test_a_family_with_phone_and_email_gets_one_message_per_event_unless_it_asks_for_both(
        client, coord, clock, aws):
    by_default = family_of(client, coord)
    both = family_of(client, coord, channels=["sms", "email"])
    email_only = family_of(client, coord, phone=None)
    for hour, family in ((9, by_default), (12, both), (15, email_only)):
        booked(client, family, at(TUESDAY, hour))
        sweep(client, clock)
    got = messages(aws)
    got[1:3] = sorted(got[1:3], key=lambda m: m["channel"])  # sent in the same sweep
    assert [(m["channel"], m["subject"]) for m in got] == [
        ("sms", "Tapaaminen varattu"),
        ("email", "Tapaaminen varattu"), ("sms", "Tapaaminen varattu"),
        ("email", "Tapaaminen varattu")]
    assert len({link_path(m["body"]) for m in messages(aws)[1:3]}) == 1  # one link, two channels


def test_contact_channels_round_trip_and_are_validated(client, coord):
    family = family_of(client, coord, channels=["email", "sms"])
    status, case = call(client, "GET", f"/cases/{family.case}", coord)
    assert status == 200 and case["contact"]["channels"] == ["email", "sms"]
    status, case = call(client, "PATCH", f"/cases/{family.case}", coord,
                        {"contact": {"channels": None}})
    assert status == 200 and case["contact"]["channels"] is None
    for channels, contact in ((["fax"], {}), ([], {}), (["sms", "sms"], {}),
                              (["sms"], {"phone": None}), ("sms", {})):
        status, error = call(client, "PATCH", f"/cases/{family.case}", coord,
                             {"contact": {**contact, "channels": channels}})
        assert status == 422, (channels, error)
        assert set(error) == {"error"} and error["error"]["code"]


def test_a_booking_link_can_be_issued_without_sending_it(client, coord, clock, aws):
    family = family_of(client, coord)
    status, link = call(client, "POST", f"/cases/{family.case}/booking-links", coord, {})
    assert status == 201 and link["sent"] is None
    sweep(client, clock)
    assert messages(aws) == []
    assert client.http.get(link_path(link["url"])).status_code == 200


@pytest.mark.parametrize(("body", "code"), [
    ({"send": "email"}, "no_contact"), ({"send": "fax"}, "invalid_value"),
    ({"send": True}, "invalid_value"), ({"valid_days": 0, "send": "sms"}, "invalid_value")])
def test_a_link_cannot_be_sent_on_a_channel_the_case_has_no_contact_for(client, coord, clock,
                                                                         aws, body, code):
    family = family_of(client, coord, email=None)
    status, error = call(client, "POST", f"/cases/{family.case}/booking-links", coord, body)
    assert status == 422 and error["error"]["code"] == code
    sweep(client, clock)
    assert messages(aws) == []


def test_the_booking_link_text_names_the_service_and_never_the_family(client, coord, clock,
                                                                      aws):
    family = family_of(client, coord, "en")
    status, link = call(client, "POST", f"/cases/{family.case}/booking-links", coord,
                        {"send": "email", "valid_days": 10})
    assert status == 201 and link["sent"] == "email"
    sweep(client, clock)
    [message] = messages(aws)
    assert message["to"] == EMAIL and message["subject"] == "Book a meeting time"
    assert message["body"] == (f"Intensive family work: book a meeting time, the link works "
                               f"until 30 Nov 2026: {link['url']}")


def test_no_queued_family_message_holds_a_link_that_opens_the_page(client, coord, clock, aws):
    """The outbox keeps a reference, never the link: a table dump opens no family's page
    (the sender derives the link when it renders the text)."""
    import boto3

    family = family_of(client, coord)
    status, sent = call(client, "POST", f"/cases/{family.case}/booking-links", coord,
                        {"send": "sms"})
    assert status == 201, sent
    booked(client, family, at(TUESDAY + timedelta(days=7), 10))
    ddb = boto3.client("dynamodb", region_name="eu-north-1")
    items = ddb.scan(TableName=aws["TAPAAMO_TABLE"])["Items"]  # a test may read it all
    notes = [i for i in items if i["pk"]["S"].startswith("NOTE#")]
    assert {n["kind"]["S"] for n in notes} >= {"booking-link", "confirmation"}
    for note in notes:
        params = note["params"]["M"]
        assert "link" not in params
        ref = params["link_ref"]["S"]
        for guess in (ref, f"{family.case}.{ref}"):
            assert client.http.get(f"/book/{guess}").status_code == 404
    assert sent["url"].startswith("http://tapaamo.test/book/")
    sweep(client, clock)
    texts = [m["body"] for m in messages(aws)]
    assert any(sent["url"] in text for text in texts)  # the link sent is the one issued
    for text in texts:
        opens_the_familys_page(client, text, "fi")
