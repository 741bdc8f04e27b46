"""What the on-call worker and the family receive, read from the local sink, links followed.

The page SMS carries the short code, the case code, the callback number (or says there is
none) and a one-time link; never the family's words, which the link's page shows.
"""

from __future__ import annotations

import re

import pytest

from chalicelib.domain.escalation import OUTCOMES
from chalicelib.notify.sms import is_gsm7, sms_segments
from harness.api import call
from harness.booking import clock, coord, family  # noqa: F401 - fixtures
from tests.support.oncall import on_call, two_step_policy
from tests.integration.test_reviews_api import run_job
from tests.support.notify import link_path, sink_messages

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WORDS = "Lapsi ei tule kotiin, olemme huolissamme"
CALLBACK = "+358409998877"
PRIMARY, SECONDARY = "+358401110001", "+358401110002"


def one_segment(text: str) -> bool:
    return is_gsm7(text) and sms_segments(text) == 1


def ask_help(client, family, **body):
    status, answer = call(client, "POST", f"{family.base}/help", JSON, body)
    assert status == 201, answer
    return answer["escalation_id"]


def deliver(client):
    return run_job(client, "sweep_notifications")


def to(aws, phone):
    return [m for m in sink_messages(aws["TAPAAMO_LOCAL_DIR"]) if m["to"] == phone]


@pytest.fixture
def rota(client, coord):
    two_step_policy(client, coord)
    return on_call(client, coord, "primary", PRIMARY), on_call(client, coord, "secondary",
                                                               SECONDARY)


def test_the_page_sms_names_code_case_and_callback_and_its_link_acknowledges(
        client, clock, coord, family, rota, aws):
    escalation_id = ask_help(client, family, message=WORDS, callback_phone="040 999 8877")
    deliver(client)
    (page,) = to(aws, PRIMARY)
    code = escalation_id[:6].upper()
    assert page["body"].startswith(f"Päivystys: tukipyyntö {code}, asiakkuus {family.case}. "
                                   f"Soita {CALLBACK}. Kuittaa: http://tapaamo.test/ack/")
    assert "huolissamme" not in page["body"] and one_segment(page["body"])
    # The link's page shows the family's words and the number, then acknowledges.
    shown = client.http.get(link_path(page["body"]))
    assert shown.status_code == 200
    html = shown.body.decode()
    assert WORDS in html and f'href="tel:{CALLBACK}"' in html and '<html lang="fi">' in html
    done = client.http.post(link_path(page["body"]), headers=FORM)
    assert done.status_code == 200 and "Kuitattu" in done.body.decode()
    status, state = call(client, "GET", f"/escalations/{escalation_id}", coord)
    assert (state["status"], state["acknowledged_by"]) == ("acknowledged", rota[0])
    # Acknowledged: the secondary is never paged, however long the sweeper runs.
    clock.shift(3600)
    run_job(client, "escalation_sweep")
    deliver(client)
    assert to(aws, SECONDARY) == []


def test_without_a_callback_number_the_page_says_so(client, coord, family, rota, aws):
    ask_help(client, family)
    deliver(client)
    (page,) = to(aws, PRIMARY)
    assert "Ei soittopyyntönumeroa." in page["body"] and "Soita" not in page["body"]
    html = client.http.get(link_path(page["body"]) + "?lang=sv").body.decode()
    assert "Familjen lämnade inget nummer att ringa." in html and '<html lang="sv">' in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_longest_page_fits_one_gsm7_segment(language):
    """A case code as the API makes them, the longest E.164 number, a real link."""
    from chalicelib.notify.templates import render
    from chalicelib.services import ack_links
    from chalicelib.services.directory import new_case_id

    link = ack_links.ack_url("https://tapaamo.hel.fi", "x" * ack_links.TOKEN_CHARS)
    body = render("escalation", language, {"code": "830D97", "case": new_case_id(),
                                           "callback": "+358401234567890", "link": link}).body
    assert one_segment(body), (len(body), body)


def test_help_is_acknowledged_to_the_case_contact_never_to_the_typed_number(
        client, coord, family, rota, aws):
    ask_help(client, family, callback_phone="040 999 8877")
    deliver(client)
    assert to(aws, CALLBACK) == []
    received = to(aws, "+358401234567")  # the case's own contact (harness.api)
    assert [m["body"] for m in received] == [
        "Pyyntösi on vastaanotettu. Päivystäjä ottaa sinuun yhteyttä pian."]


def test_nothing_in_the_table_is_a_working_ack_link(client, coord, family, rota, aws):
    import boto3

    ask_help(client, family, message=WORDS)
    deliver(client)
    (page,) = to(aws, PRIMARY)
    token = link_path(page["body"]).removeprefix("/ack/")
    items = boto3.client("dynamodb", region_name="eu-north-1").scan(
        TableName=aws["TAPAAMO_TABLE"])["Items"]
    values = [v for item in items for v in _strings(item)]
    assert values and not [v for v in values if token in v]
    # Nor does anything stored there open the page: hashes, references, ids.
    for candidate in {v for v in values if re.fullmatch(r"[A-Za-z0-9_#.-]{6,80}", v)}:
        assert client.http.get(f"/ack/{candidate.removeprefix('ACK#')}").status_code == 404
    assert client.http.get(f"/ack/{token}").status_code == 200


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


def test_an_unanswered_request_stays_listed_and_the_coordinators_hear_of_it(
        client, clock, coord, family, rota, aws, monkeypatch):
    monkeypatch.setenv("TAPAAMO_COORDINATOR_EMAIL", "tiimi@example.org")
    escalation_id = ask_help(client, family, message=WORDS)
    for _ in range(2):  # primary's wait, then secondary's: the fallback
        deliver(client)
        clock.shift(301)
        run_job(client, "escalation_sweep")
    deliver(client)
    status, state = call(client, "GET", f"/escalations/{escalation_id}", coord)
    assert (status, state["status"], state["fallback_sent"]) == (200, "unanswered", True)
    (notice,) = to(aws, "tiimi@example.org")
    assert escalation_id[:6].upper() in notice["body"] and family.case in notice["body"]
    assert "huolissamme" not in notice["body"]
    fallback = [m["body"] for m in to(aws, "+358401234567")][-1]
    assert "112" in fallback
    listed = call(client, "GET", "/escalations?status=unanswered", coord)[1]["escalations"]
    assert [e["id"] for e in listed] == [escalation_id]
    status, _ = call(client, "POST", f"/escalations/{escalation_id}/resolve", coord,
                     {"outcome": OUTCOMES[0]})
    assert status == 200
    assert call(client, "GET", "/escalations?status=unanswered", coord)[1]["escalations"] == []
    resolved = call(client, "GET", "/escalations?status=resolved", coord)[1]["escalations"]
    assert [e["id"] for e in resolved] == [escalation_id]
