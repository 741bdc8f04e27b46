"""Shift swaps through the API on moto: a worker asks, another accepts, the rota changes only
then, the coordinator sees both, and the asking worker's SMS (read from the local sink)
names the shift and links to the console."""

from __future__ import annotations

import pytest

from tests.integration.test_escalation_messages import deliver
from harness.api import call, make_worker
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from tests.support.notify import link_path, sink_messages

ANNA_PHONE = "+358401110031"
# The rota below: 24 h shifts from Friday 20.11. 08:00, Anna first, then Ben, then Anna.
ANNAS_SUNDAY = {"level": "primary", "start": "2026-11-22T08:00:00+02:00",
                "end": "2026-11-23T08:00:00+02:00"}
SUNDAY_NOON = "2026-11-22T12:00:00%2B02:00"


@pytest.fixture
def crew(client, coord, token):
    anna = make_worker(client, coord, phone="040 111 0031")
    ben, cai = make_worker(client, coord), make_worker(client, coord)
    status, body = call(client, "POST", "/oncall/rotations", coord, {
        "id": f"r-{anna}", "level": "primary", "workers": [anna, ben],
        "start": "2026-11-20T08:00:00+02:00", "shift_hours": 24})
    assert status == 201, body
    return {name: (worker, token("worker", worker))
            for name, worker in (("anna", anna), ("ben", ben), ("cai", cai))}


def primary_at_sunday_noon(client, coord):
    return call(client, "GET", f"/oncall/now?at={SUNDAY_NOON}", coord)[1]["primary"]["worker"]


def test_a_swap_changes_the_rota_only_when_accepted_and_tells_the_asking_worker(
        client, coord, crew, aws):
    anna, anna_headers = crew["anna"]
    cai, cai_headers = crew["cai"]
    status, asked = call(client, "POST", "/oncall/swaps", anna_headers, ANNAS_SUNDAY)
    assert (status, asked["status"], asked["requester"]) == (201, "open", anna), asked
    assert primary_at_sunday_noon(client, coord) == anna
    listed = call(client, "GET", "/oncall/swaps", cai_headers)[1]["swaps"]
    assert [s["id"] for s in listed] == [asked["id"]]

    status, taken = call(client, "POST", f"/oncall/swaps/{asked['id']}/accept", cai_headers, {})
    assert (status, taken["status"], taken["accepted_by"]) == (200, "accepted", cai), taken
    assert primary_at_sunday_noon(client, coord) == cai
    [seen] = call(client, "GET", "/oncall/swaps", coord)[1]["swaps"]
    assert (seen["requester"], seen["accepted_by"]) == (anna, cai)

    deliver(client)
    [sms] = [m for m in sink_messages(aws["TAPAAMO_LOCAL_DIR"]) if m["to"] == ANNA_PHONE]
    assert sms["body"].startswith("Vaihto hyväksytty: päivystys su 22.11. klo 8.00 - "
                                  "ma 23.11. klo 8.00 on toisen. http://tapaamo.test/")
    assert cai not in sms["body"] and anna not in sms["body"]
    opened = client.http.get(link_path(sms["body"]))
    assert opened.status_code in (302, 303) and "/staff/login" in opened.headers["Location"]


def test_a_second_accept_is_409_and_the_first_accepter_keeps_the_shift(client, coord, crew):
    anna_headers = crew["anna"][1]
    asked = call(client, "POST", "/oncall/swaps", anna_headers, ANNAS_SUNDAY)[1]
    assert call(client, "POST", f"/oncall/swaps/{asked['id']}/accept", crew["cai"][1], {})[0] == 200
    status, body = call(client, "POST", f"/oncall/swaps/{asked['id']}/accept", crew["ben"][1], {})
    assert (status, body["error"]["code"]) == (409, "swap_taken")
    assert primary_at_sunday_noon(client, coord) == crew["cai"][0]
    overrides = call(client, "GET", "/oncall/overrides", coord)[1]["overrides"]
    assert [o["worker"] for o in overrides] == [crew["cai"][0]]


@pytest.mark.parametrize(("who", "shift", "code", "status"), [
    ("ben", ANNAS_SUNDAY, "not_your_shift", 422),  # Ben is not on call then
    ("anna", {**ANNAS_SUNDAY, "end": "2026-11-23T09:00:00+02:00"}, "not_your_shift", 422),
    ("anna", {**ANNAS_SUNDAY, "start": "2026-11-22T08:00"}, "bad_request", 400),
    ("anna", {**ANNAS_SUNDAY, "level": "tertiary"}, "bad_request", 400),
])
def test_only_a_shift_of_ones_own_can_be_offered(client, crew, who, shift, code, status):
    answer = call(client, "POST", "/oncall/swaps", crew[who][1], shift)
    assert (answer[0], answer[1]["error"]["code"]) == (status, code)


def test_a_worker_cannot_accept_their_own_request_nor_ask_twice_and_a_coordinator_neither(
        client, coord, crew):
    anna_headers = crew["anna"][1]
    asked = call(client, "POST", "/oncall/swaps", anna_headers, ANNAS_SUNDAY)[1]
    assert call(client, "POST", "/oncall/swaps", anna_headers, ANNAS_SUNDAY)[1]["error"][
        "code"] == "swap_exists"
    assert call(client, "POST", f"/oncall/swaps/{asked['id']}/accept", anna_headers, {})[0] == 403
    assert call(client, "POST", f"/oncall/swaps/{asked['id']}/accept", coord, {})[0] == 403
    assert call(client, "POST", "/oncall/swaps/s-nothing/accept", crew["ben"][1], {})[0] == 404
