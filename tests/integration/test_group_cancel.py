"""Staff cancel one session of a peer-support group, through the public API on moto with
time pinned: the families seated in it get one message each (read from the local sink, its
link followed), nobody else does, and the leaders' feeds show it cancelled."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_group_sessions import one_family_per_session
from tests.integration.test_groups import (coord, families, make_group, seat,  # noqa: F401
                                           sent, team)
from tests.integration.test_reviews_api import run_job
from harness.api import call, make_worker
from harness.booking import TUESDAY

NEXT = TUESDAY + timedelta(days=7)


def cancel(client, headers, group, session_id):
    return call(client, "POST", f"/groups/{group['id']}/sessions/{session_id}/cancel", headers)


def test_a_leader_cancels_a_session_and_each_seated_family_is_told_once(client, coord, team,
                                                                          aws, token):
    group = make_group(client, coord, team, sessions=3, seats=2)
    seated_a, seated_b, waiting = families(client, coord, team, 3)
    for family in (seated_a, seated_b, waiting):
        seat(client, family, group["id"])
    second = group["sessions"][1]
    leader = token("worker", team["leaders"][1])
    status, changed = cancel(client, leader, group, second["id"])
    assert status == 200, changed
    assert [s["id"] for s in changed["sessions"]] == [
        group["sessions"][0]["id"], group["sessions"][2]["id"]]
    assert cancel(client, coord, group, second["id"])[0] == 404  # gone: not twice
    run_job(client, "sweep_notifications")
    run_job(client, "sweep_notifications")
    told = [m for m in sent(aws) if "peruttu" in m["body"]]
    assert sorted(m["to"] for m in told) == ["+358407000000", "+358407000001"]
    text, _, link = told[0]["body"].partition(" Katso: ")
    assert text == "Vertaistukiryhmän kokoontuminen ti 8.12. klo 17.00, Kallio, on peruttu."
    page = client.http.get(link.removeprefix("http://tapaamo.test")).body.decode()
    assert "Sinulla on paikka" in page and "8.12." not in page and "15.12." in page
    for worker in team["leaders"]:
        url = call(client, "POST", f"/workers/{worker}/feed-tokens", coord)[1]["url"]
        feed = client.http.get(url.removeprefix("http://tapaamo.test")).body.decode()
        event = feed.replace("\r\n ", "").split(f"UID:appt-{second['id']}@tapaamo")[1]
        assert event.split("END:VEVENT")[0].count("STATUS:CANCELLED") == 1
        assert seated_a.case not in feed and "358407" not in feed
    with time_machine.travel(at_local(NEXT - timedelta(days=1), 17, 1), tick=False):
        run_job(client, "sweep_notifications")
    assert not [m for m in sent(aws) if "8.12." in m["body"] and "Muistutus" in m["body"]]


def test_in_a_drop_in_group_only_that_sessions_families_are_told(client, coord, team, aws):
    group = one_family_per_session(client, coord, team)
    assert cancel(client, coord, group, group["sessions"][1]["id"])[0] == 200
    run_job(client, "sweep_notifications")
    assert [m["to"] for m in sent(aws) if "peruttu" in m["body"]] == ["+358407000001"]


def test_only_a_groups_leaders_and_coordinators_cancel_a_session_ahead(client, coord, team,
                                                                        token):
    group = make_group(client, coord, team, sessions=2)
    first, second = group["sessions"]
    stranger = token("worker", make_worker(client, coord))
    assert cancel(client, stranger, group, second["id"])[0] == 404
    assert cancel(client, coord, group, "s-none")[0] == 404
    assert call(client, "POST", f"/groups/g-none/sessions/{first['id']}/cancel", coord)[0] == 404
    with time_machine.travel(at_local(TUESDAY, 17, 1), tick=False):
        status, error = cancel(client, token("coordinator"), group, first["id"])
    assert (status, error["error"]["code"]) == (422, "session_begun")
    assert cancel(client, coord, group, first["id"])[0] == 200
    status, error = cancel(client, coord, group, second["id"])
    assert (status, error["error"]["code"]) == (422, "last_session")
