"""The escalation board through ``chalice.test.Client`` on moto: who sees the family's words,
and the acknowledge and resolve buttons."""

from __future__ import annotations

from tests.integration.test_console_pages import get, post
from tests.integration.test_escalation_messages import PRIMARY, SECONDARY, ask_help, deliver
from harness.api import call
from harness.booking import clock, coord, family  # noqa: F401 - fixtures
from harness.console import console_cookie
from tests.support.oncall import on_call, two_step_policy

WORDS = "Lapsi ei tule kotiin"


def board(client, cookie) -> str:
    answer = get(client, "/staff/escalations", cookie)
    assert answer.status_code == 200
    return answer.body.decode()


def test_the_words_show_to_the_coordinator_and_only_the_worker_who_took_the_request(
        client, coord, family, aws):
    two_step_policy(client, coord)
    primary = on_call(client, coord, "primary", PRIMARY)
    on_call(client, coord, "secondary", SECONDARY)
    escalation_id = ask_help(client, family, message=WORDS, callback_phone="040 999 8877")
    deliver(client)
    code = escalation_id[:6].upper()
    worker = console_cookie("worker", primary)
    html = board(client, worker)
    assert code in html and WORDS not in html and "+358409998877" not in html
    assert "Lähetetty" in html or "lähetetty" in html  # the page's delivery status
    assert WORDS in board(client, console_cookie("coordinator"))

    answer = post(client, f"/staff/escalations/{escalation_id}/ack", worker, {})
    assert (answer.status_code, answer.headers["Location"]) == (303, "/staff/escalations")
    html = board(client, worker)
    assert WORDS in html and 'href="tel:+358409998877"' in html
    assert f"kuittasi {primary}" in html

    answer = post(client, f"/staff/escalations/{escalation_id}/resolve", worker,
                  {"outcome": "referred"})
    assert answer.status_code == 303
    state = call(client, "GET", f"/escalations/{escalation_id}", coord)[1]
    assert (state["status"], state["outcome"]) == ("resolved", "referred")
    assert code not in board(client, worker)


def test_a_worker_never_paged_sees_no_request_and_cannot_act_on_one(client, coord, family, aws):
    two_step_policy(client, coord)
    on_call(client, coord, "primary", PRIMARY)
    escalation_id = ask_help(client, family, message=WORDS)
    stranger = console_cookie("worker", "w-nobody")
    assert escalation_id[:6].upper() not in board(client, stranger)
    answer = post(client, f"/staff/escalations/{escalation_id}/ack", stranger, {})
    assert answer.status_code == 404
    assert call(client, "GET", f"/escalations/{escalation_id}", coord)[1]["status"] == "open"
