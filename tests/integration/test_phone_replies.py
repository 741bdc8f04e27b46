"""Acknowledging and resolving a page from the phone: SMS replies (SNS) and the Connect keypad.

The page and the replies are read from the local sink; the state from the public API.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.integration.test_escalation_messages import PRIMARY, SECONDARY, ask_help, deliver, to
from tests.integration.test_reviews_api import run_job
from harness.api import call
from harness.booking import clock, coord, family  # noqa: F401 - fixtures
from tests.support.oncall import on_call, two_step_policy


@pytest.fixture
def rota(client, coord):
    two_step_policy(client, coord)
    return on_call(client, coord, "primary", PRIMARY), on_call(client, coord, "secondary",
                                                               SECONDARY)


def sms_reply(client, sender: str, text: str, message_id: str | None = None) -> dict:
    """Publish a reply as AWS End User Messaging two-way SMS does, to the handler's topic."""
    payload = {"originationNumber": sender, "destinationNumber": "+358931044222",
               "messageKeyword": "", "messageBody": text,
               "inboundMessageId": message_id or str(uuid.uuid4()),
               "previousPublishedMessageId": "wJalrXUtnFEMI"}
    event = client.events.generate_sns_event(message=json.dumps(payload), subject="")
    return client.lambda_.invoke("inbound_sms", event).payload


def keypad(client, caller: str, key: str) -> dict:
    """The Connect contact flow's call after "Get customer input" (its documented event)."""
    event = {"Name": "ContactFlowEvent", "Details": {
        "ContactData": {"Attributes": {}, "Channel": "VOICE", "ContactId": str(uuid.uuid4()),
                        "CustomerEndpoint": {"Address": caller, "Type": "TELEPHONE_NUMBER"},
                        "InitialContactId": str(uuid.uuid4()), "InitiationMethod": "OUTBOUND",
                        "InstanceARN": "arn:aws:connect:eu-central-1:000000000000:instance/x",
                        "PreviousContactId": str(uuid.uuid4()), "Queue": None,
                        "SystemEndpoint": {"Address": "+358931044222",
                                           "Type": "TELEPHONE_NUMBER"}},
        "Parameters": {"key": key}}}
    return client.lambda_.invoke("connect_ack", event).payload


def status_of(client, coord, escalation_id):
    return call(client, "GET", f"/escalations/{escalation_id}", coord)[1]


@pytest.mark.parametrize("text", ["OK", "ok", "1", "Kuittaa", "short code"])
def test_a_reply_from_the_paged_worker_acknowledges_and_the_secondary_is_never_paged(
        client, clock, coord, family, rota, aws, text):
    escalation_id = ask_help(client, family, message="apua")
    deliver(client)
    assert len(to(aws, PRIMARY)) == 1
    text = escalation_id[:6].upper() if text == "short code" else text
    assert sms_reply(client, "+358 40 111 0001", text)["result"] == "acknowledged"
    state = status_of(client, coord, escalation_id)
    assert (state["status"], state["acknowledged_by"]) == ("acknowledged", rota[0])
    clock.shift(3600)
    run_job(client, "escalation_sweep")
    deliver(client)
    assert to(aws, SECONDARY) == [] and len(to(aws, PRIMARY)) == 1


def test_lopeta_resolves_the_acknowledged_request(client, coord, family, rota, aws):
    escalation_id = ask_help(client, family)
    deliver(client)
    sms_reply(client, PRIMARY, "OK")
    assert sms_reply(client, PRIMARY, "LOPETA")["result"] == "resolved"
    state = status_of(client, coord, escalation_id)
    assert (state["status"], state["outcome"]) == ("resolved", "called-back")


def test_a_reply_from_an_unknown_number_changes_nothing_and_is_logged_without_the_number(
        client, coord, family, rota, aws, caplog):
    escalation_id = ask_help(client, family)
    deliver(client)
    assert sms_reply(client, "+358409999999", "OK", "in-1")["result"] == "unknown-sender"
    deliver(client)
    assert status_of(client, coord, escalation_id)["status"] == "open"
    assert to(aws, "+358409999999") == []
    assert "in-1" in caplog.text and "409999999" not in caplog.text


def test_anything_else_gets_one_short_help_reply_even_if_delivered_twice(
        client, coord, family, rota, aws):
    escalation_id = ask_help(client, family)
    deliver(client)
    for _ in range(2):
        assert sms_reply(client, PRIMARY, "soitan kohta", "in-2")["result"] == "help"
    deliver(client)
    (page, answer) = to(aws, PRIMARY)
    assert answer["body"].startswith("Vastaa OK kuitataksesi") and "soitan" not in answer["body"]
    assert status_of(client, coord, escalation_id)["status"] == "open"


def test_the_secondary_cannot_acknowledge_a_page_they_never_got(client, coord, family, rota, aws):
    escalation_id = ask_help(client, family)
    deliver(client)
    assert sms_reply(client, SECONDARY, "OK")["result"] == "no-page"
    deliver(client)
    assert status_of(client, coord, escalation_id)["status"] == "open"
    assert "ei ole avointa" in to(aws, SECONDARY)[-1]["body"]


def test_a_reply_names_one_of_two_open_pages_by_its_code(client, coord, family, rota, aws):
    from harness.booking import make_family

    first = ask_help(client, family)
    second = ask_help(client, make_family(client, coord))
    deliver(client)
    assert sms_reply(client, PRIMARY, f"OK {first[:6]}")["result"] == "acknowledged"
    assert status_of(client, coord, first)["status"] == "acknowledged"
    assert status_of(client, coord, second)["status"] == "open"
    # Without a code the newest open page is meant: now the second.
    assert sms_reply(client, PRIMARY, "OK")["result"] == "acknowledged"
    assert status_of(client, coord, second)["status"] == "acknowledged"


def test_pressing_1_on_the_page_call_acknowledges(client, coord, family, rota, aws):
    escalation_id = ask_help(client, family)
    deliver(client)
    assert keypad(client, PRIMARY, "2") == {"result": "help", "acknowledged": "false"}
    assert keypad(client, PRIMARY, "1") == {"result": "acknowledged", "acknowledged": "true"}
    assert status_of(client, coord, escalation_id)["status"] == "acknowledged"
    assert keypad(client, "+358409999999", "1")["acknowledged"] == "false"
    deliver(client)
    assert len(to(aws, PRIMARY)) == 1  # the call answers itself: no SMS back


def test_a_malformed_sns_message_is_dropped(client, aws):
    event = client.events.generate_sns_event(message="not json", subject="")
    assert client.lambda_.invoke("inbound_sms", event).payload == {"result": "unreadable"}
