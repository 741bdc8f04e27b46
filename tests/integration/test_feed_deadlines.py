"""Review deadlines in the workers' feeds, through the HTTP API on moto: opening a case
puts its plan deadline (määräpäivä) in both workers' feeds; completing it takes it out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from chalicelib.domain.workdays import HELSINKI
from harness.api import call, make_case, make_worker
from tests.support.ics import assert_ics_wellformed, assert_parsers_agree
from harness.round_trips import dynamodb_requests

OPENED = datetime(2026, 11, 2, 10, tzinfo=HELSINKI)  # a Monday


@pytest.fixture
def clock(aws):
    with time_machine.travel(OPENED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pair(client, clock, token):
    """A case of family work with a pair of workers, and each worker's feed path."""
    boss = token("coordinator")
    workers = [make_worker(client, boss), make_worker(client, boss)]
    case = make_case(client, boss, workers, service="perhetyo", start_date="2026-11-02")
    feeds = []
    for worker in workers:
        status, minted = call(client, "POST", f"/workers/{worker}/feed-tokens", boss)
        assert status == 201, minted
        feeds.append(minted["url"].removeprefix("http://tapaamo.test"))
    return {"boss": boss, "case": case["id"], "feeds": feeds}


def deadline_events(client, path) -> dict:
    ics = client.http.get(path).body
    calendar = assert_ics_wellformed(ics)
    parsed = {e["uid"]: e for e in assert_parsers_agree(ics)}
    return {str(v["UID"]): (v, parsed[str(v["UID"])]) for v in calendar.walk("VEVENT")
            if str(v["UID"]).startswith("review-")}


def test_a_plan_deadline_is_in_both_workers_feeds_until_it_is_completed(client, pair, clock):
    status, body = call(client, "GET", f"/cases/{pair['case']}/reviews", pair["boss"])
    assert status == 200, body
    plan = next(r for r in body["reviews"] if r["kind"] == "plan")
    uid = f"review-{pair['case']}-{plan['id']}@tapaamo"
    for path in pair["feeds"]:
        vevent, event = deadline_events(client, path)[uid]
        assert event["all_day"] and event["start"] == date.fromisoformat(plan["due"])
        assert event["end"] == date.fromisoformat(plan["due"]) + timedelta(days=1)
        assert str(vevent["TRANSP"]) == "TRANSPARENT"
        assert str(vevent["SUMMARY"]) == f"Tapaamo {pair['case']} · määräpäivä · suunnitelma"
        assert vevent.decoded("DTSTAMP") == OPENED.astimezone(UTC)  # when it was stored
    clock.shift(timedelta(hours=1))
    status, body = call(client, "POST", f"/cases/{pair['case']}/reviews/{plan['id']}/complete",
                        pair["boss"])
    assert status == 200, body
    for path in pair["feeds"]:
        assert uid not in deadline_events(client, path)


def test_deadlines_cost_the_feed_no_extra_round_trip(client, pair):
    path = pair["feeds"][0]
    assert deadline_events(client, path)  # warm: the rota is read once a minute at most
    with dynamodb_requests() as calls:
        assert b"BEGIN:VEVENT" in client.http.get(path).body
    assert calls == ["Query"]
