"""Who may see and act on an escalation: every escalation route for a worker paged for it,
on call for its level, on its case, or none of these (and a coordinator).

After the family asks for help, ``paged`` (the primary at that moment) has been paged; an
override then puts ``on_call`` on the primary level, so ``paged`` is no longer on call;
``on_case`` works on the family's case; ``stranger`` is none of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from chalicelib.domain.workdays import at_local
from harness.api import call, make_worker
from harness.booking import NOW, clock, coord, make_family  # noqa: F401 - fixtures
from tests.support.oncall import on_call

JSON = {"Content-Type": "application/json"}
WHO = ("coordinator", "paged", "on_call", "on_case", "stranger")
MAY = {"coordinator", "paged", "on_call", "on_case"}


@dataclass
class Scene:
    escalation: str
    code: str
    case: str
    workers: dict


@pytest.fixture
def scene(client, coord, token):
    paged = on_call(client, coord, "primary", "+358401110001")
    on_case = make_worker(client, coord, phone="040 111 0003")
    family = make_family(client, coord, workers=[on_case])
    status, opened = call(client, "POST", f"{family.base}/help", JSON, {"message": "apua"})
    assert status == 201, opened
    standing_in = make_worker(client, coord, phone="040 111 0004")
    status, body = call(client, "POST", "/oncall/overrides", coord, {
        "worker": standing_in, "level": "primary",
        "start": (NOW - timedelta(hours=1)).isoformat(),
        "end": at_local(NOW.date() + timedelta(days=1), 12).isoformat()})
    assert status == 201, body
    stranger = make_worker(client, coord, phone="040 111 0005")
    ids = {"paged": paged, "on_call": standing_in, "on_case": on_case, "stranger": stranger}
    headers = {name: token("worker", worker) for name, worker in ids.items()}
    headers["coordinator"] = coord
    return Scene(opened["escalation_id"], opened["escalation_id"][:6].upper(), family.case,
                 headers)


def as_(scene, who):
    return scene.workers[who]


@pytest.mark.parametrize("who", WHO)
def test_reading_one_escalation(client, scene, who):
    status, body = call(client, "GET", f"/escalations/{scene.escalation}", as_(scene, who))
    assert status == (200 if who in MAY else 404), body
    if who not in MAY:
        assert body["error"]["code"] == "not_found" and "apua" not in str(body)


@pytest.mark.parametrize("who", WHO)
def test_acknowledging(client, scene, who):
    status, body = call(client, "POST", f"/escalations/{scene.escalation}/ack", as_(scene, who))
    assert status == (200 if who in MAY else 404), body
    state = call(client, "GET", f"/escalations/{scene.escalation}", scene.workers["coordinator"])
    assert state[1]["status"] == ("acknowledged" if who in MAY else "open")


@pytest.mark.parametrize("who", WHO)
def test_resolving(client, scene, who):
    status, body = call(client, "POST", f"/escalations/{scene.escalation}/resolve",
                        as_(scene, who), {"outcome": "called-back"})
    assert status == (200 if who in MAY else 404), body


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("query", ["status=open", "code={code}"])
def test_the_lists_show_a_worker_only_their_own(client, scene, who, query):
    path = "/escalations?" + query.format(code=scene.code)
    status, body = call(client, "GET", path, as_(scene, who))
    assert status == 200, body
    listed = [e["id"] for e in body["escalations"]]
    assert listed == ([scene.escalation] if who in MAY else [])


@pytest.mark.parametrize("who", WHO)
def test_opening_one_for_the_case_needs_the_case(client, scene, who):
    status, body = call(client, "POST", "/escalations", as_(scene, who),
                        {"source": "staff", "case": scene.case, "message": "soitto"})
    assert status == (201 if who in ("coordinator", "on_case") else 404), body


def test_a_worker_may_open_one_with_no_case(client, scene):
    status, body = call(client, "POST", "/escalations", scene.workers["stranger"],
                        {"source": "staff"})
    assert status == 201, body


@pytest.mark.parametrize("query", ["", "status=closed", "status=open&code=ABC", "code=" + "A" * 3000,
                                   "code=%00", "status=open&cursor=garbage", "status=open&limit=0"])
def test_a_bad_list_query_is_400_in_the_contracts_shape(client, scene, query):
    status, body = call(client, "GET", f"/escalations?{query}", scene.workers["coordinator"])
    assert status == 400 and body["error"]["code"] in ("bad_request", "missing_parameter",
                                                       "bad_cursor"), body


def test_the_status_list_pages_with_a_cursor(client, coord, scene):
    opened = [scene.escalation]
    for _ in range(2):
        status, body = call(client, "POST", "/escalations", coord, {"source": "staff"})
        opened.append(body["id"])
    seen, cursor = [], None
    for _ in range(5):
        path = "/escalations?status=open&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, body = call(client, "GET", path, coord)
        assert status == 200 and len(body["escalations"]) <= 2
        seen += [e["id"] for e in body["escalations"]]
        cursor = body["cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(opened) and len(seen) == len(set(seen))
