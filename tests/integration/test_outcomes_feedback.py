"""Meeting outcomes and the family's feedback link, through the public API on moto.

Time is pinned (Europe/Helsinki); messages are read from the local stage's sink
(``<local dir>/notifications.log``) after the delivery sweep, and the QR code in the e-mail
is decoded with zxing-cpp.
"""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from chalicelib import qr
from chalicelib.domain.workdays import at_local
from tests.integration.test_booking_race import atomic_calls  # noqa: F401 - fixture
from tests.integration.test_reviews_api import run_job
from harness.api import call, make_worker
from harness.booking import NOW, TUESDAY, at, make_family

SURVEY = "https://link.webropol.com/s/perhetyo-palaute"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def coord(client, token):
    with time_machine.travel(NOW, tick=False):
        yield token("coordinator")


def sent(aws) -> list[dict]:
    log = Path(aws["TAPAAMO_LOCAL_DIR"]) / "notifications.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def feedback_messages(aws, recipient: str) -> list[dict]:
    return [m for m in sent(aws) if m["to"] == recipient and "webropol" in m["body"]]


def final_meeting(client, coord, family, hour=10) -> str:
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(TUESDAY, hour), "location": "home",
                         "kind": "final"})
    assert status == 201, body
    return body["id"]


def after_meeting(client, token, path, body, worker=None, when=None):
    """POST ``path`` at noon of the meeting day (or ``when``), as the coordinator or as
    ``worker``, with a token minted then."""
    with time_machine.travel(when or at_local(TUESDAY, 12), tick=False):
        headers = token("worker", worker) if worker else token("coordinator")
        return call(client, "POST", path, headers, body)


def page_of(client, family) -> str:
    response = client.http.get(family.base)
    assert response.status_code == 200
    return response.body.decode()


def sweep(client):
    with time_machine.travel(at_local(TUESDAY, 12, 5), tick=False):
        run_job(client, "sweep_notifications")


def test_a_survey_url_must_be_https_and_is_set_by_a_coordinator(client, coord, token):
    path = "/feedback-surveys/perhetyo"
    for bad in ("http://link.webropol.com/s/x", "https://user:pw@evil.example/x", "javascript:1",
                "https://", 5, "https://a.example/" + "x" * 500, "https://a.example/a b"):
        status, error = call(client, "PUT", path, coord, {"url": bad})
        assert (status, error["error"]["field"]) == (422, "url"), bad
    worker = token("worker", make_worker(client, coord))
    assert call(client, "PUT", path, worker, {"url": SURVEY})[0] == 403
    assert call(client, "PUT", "/feedback-surveys/no-such", coord, {"url": SURVEY})[0] == 404
    assert call(client, "PUT", path, coord, {"url": SURVEY}) == (
        200, {"service": "perhetyo", "url": SURVEY})


def test_the_final_meeting_held_sends_one_feedback_sms_with_the_link(client, coord, aws, token):
    family = make_family(client, coord, service="perhetyo")
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    meeting = final_meeting(client, coord, family)
    assert SURVEY not in page_of(client, family)
    path = f"/appointments/{meeting}/outcome"
    status, body = after_meeting(client, token, path, {"outcome": "held"})
    assert status == 200, body
    page = page_of(client, family)
    assert f'href="{SURVEY}"' in page and 'role="img"' in page
    assert qr.svg(SURVEY) in page  # the page's QR code is the survey link's
    assert (body["outcome"], body["kind"]) == ("held", "final")
    for again in ("held", "no-show", "held"):  # recorded again: no second message
        assert after_meeting(client, token, path, {"outcome": again})[0] == 200
    sweep(client)
    messages = feedback_messages(aws, "+358401234567")
    assert [(m["channel"], m["body"]) for m in messages] == [
        ("sms", f"Kiitos yhteistyöstä! Kerro kokemuksestasi: {SURVEY}")]
    assert "email" not in {m["channel"] for m in messages}  # one message, by SMS


def test_parallel_outcomes_of_the_final_meeting_queue_one_feedback(client, coord, token,
                                                                   atomic_calls):
    family = make_family(client, coord, service="perhetyo")
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    meeting = final_meeting(client, coord, family)
    with time_machine.travel(at_local(TUESDAY, 12), tick=False):
        headers = token("coordinator")
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(lambda _: call(
                client, "POST", f"/appointments/{meeting}/outcome", headers,
                {"outcome": "held"}), range(10)))
    assert Counter(status for status, _ in results) == {200: 10}
    status, listed = call(client, "GET", f"/notifications?case={family.case}", coord)
    assert [n["kind"] for n in listed["notifications"]].count("feedback") == 1


def test_an_email_family_gets_the_link_and_a_qr_code_that_decodes_to_it(client, coord, aws, token):
    import zxingcpp
    from PIL import Image

    family = make_family(client, coord, service="perhetyo",
                         contact={"email": "perhe@example.org", "language": "sv"})
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    after_meeting(client, token, f"/appointments/{final_meeting(client, coord, family)}/outcome",
                  {"outcome": "held"})
    sweep(client)
    [mail] = feedback_messages(aws, "perhe@example.org")
    assert mail["body"] == f"Tack för samarbetet! Berätta om din erfarenhet: {SURVEY}"
    assert f'href="{SURVEY}"' in mail["html"] and 'src="cid:qr"' in mail["html"]
    image = Image.open(io.BytesIO(base64.b64decode(mail["images"]["qr"])))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [SURVEY]


def test_a_family_on_both_channels_gets_the_survey_once_by_email_with_its_qr_code(
        client, coord, aws, token):
    import zxingcpp
    from PIL import Image

    family = make_family(client, coord, service="perhetyo", contact={
        "phone": "040 123 4599", "email": "molemmat@example.org", "channels": ["sms", "email"],
        "language": "fi"})
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    after_meeting(client, token, f"/appointments/{final_meeting(client, coord, family)}/outcome",
                  {"outcome": "held"})
    sweep(client)
    sweep(client)
    assert feedback_messages(aws, "+358401234599") == []  # not a second time by SMS
    [mail] = feedback_messages(aws, "molemmat@example.org")
    assert mail["body"] == f"Kiitos yhteistyöstä! Kerro kokemuksestasi: {SURVEY}"
    image = Image.open(io.BytesIO(base64.b64decode(mail["images"]["qr"])))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [SURVEY]
    status, listed = call(client, "GET", f"/notifications?case={family.case}", coord)
    assert [n["channel"] for n in listed["notifications"] if n["kind"] == "feedback"] == [
        "email"]


def test_no_feedback_for_other_meetings_other_outcomes_or_without_a_survey(client, coord, aws, token):
    family = make_family(client, coord, service="perhetyo")
    meeting = final_meeting(client, coord, family)
    after_meeting(client, token, f"/appointments/{meeting}/outcome", {"outcome": "held"})
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    ordinary = call(client, "POST", "/appointments", coord,
                    {"case": family.case, "start": at(TUESDAY + timedelta(days=1), 10),
                     "location": "home"})[1]["id"]
    late = final_meeting(client, coord, family, hour=14)
    later = at_local(TUESDAY + timedelta(days=2), 9)
    assert after_meeting(client, token, f"/appointments/{ordinary}/outcome",
                         {"outcome": "held"}, when=later)[0] == 200
    assert after_meeting(client, token, f"/appointments/{late}/outcome",
                         {"outcome": "no-show"}, when=later)[0] == 200
    with time_machine.travel(later, tick=False):
        run_job(client, "sweep_notifications")
    assert feedback_messages(aws, "+358401234567") == []


def test_outcomes_are_refused_for_meetings_ahead_cancelled_or_not_the_workers(client, coord,
                                                                              token):
    family = make_family(client, coord)
    meeting = final_meeting(client, coord, family)
    path = f"/appointments/{meeting}/outcome"
    status, error = call(client, "POST", path, coord, {"outcome": "held"})
    assert (status, error["error"]["code"]) == (422, "not_started")
    assert after_meeting(client, token, path, {"outcome": "late"})[0] == 422
    assert after_meeting(client, token, path, {})[0] == 422
    stranger = make_worker(client, coord)
    assert after_meeting(client, token, path, {"outcome": "held"}, stranger)[0] == 404
    assert after_meeting(client, token, path, {"outcome": "held"}, family.workers[0])[0] == 200
    status, error = after_meeting(client, token, f"/appointments/{meeting}/cancel", None)
    assert (status, error["error"]["code"]) == (409, "has_outcome")
    assert after_meeting(client, token, "/appointments/a-none/outcome",
                         {"outcome": "held"})[0] == 404


def test_a_meeting_that_took_place_is_recorded_with_its_outcome(client, coord, aws):
    family = make_family(client, coord, service="perhetyo")
    call(client, "PUT", "/feedback-surveys/perhetyo", coord, {"url": SURVEY})
    past = at(TUESDAY - timedelta(days=14), 10)
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": past, "location": "home",
                         "kind": "final", "outcome": "held", "minutes": 60})
    assert status == 201, body
    assert (body["start"], body["outcome"], body["minutes"]) == (past, "held", 60)
    status, error = call(client, "POST", "/appointments", coord,
                         {"case": family.case, "start": at(TUESDAY, 10), "location": "home",
                          "outcome": "held"})
    assert (status, error["error"]["code"]) == (422, "not_in_past")
    listed = call(client, "GET", f"/workers/{family.workers[0]}/appointments"
                  f"?from={(TUESDAY - timedelta(days=15)).isoformat()}", coord)[1]
    assert [a["id"] for a in listed["appointments"]] == [body["id"]]
    run_job(client, "sweep_notifications")
    assert len(feedback_messages(aws, "+358401234567")) == 1
