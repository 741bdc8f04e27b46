"""The on-call HTTP API, the missed-call hook and the Connect handler (chalice.test.Client)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
import time_machine

from harness.api import call, make_worker, unique
from harness.round_trips import dynamodb_requests

SECRET = "hook-secret-for-tests"
SCHEDULED = {"version": "0", "id": "e", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2026-05-04T05:00:00Z", "region": "eu-north-1",
             "resources": [], "detail": {}}


@pytest.fixture
def boss(token):
    return token("coordinator")


@pytest.fixture
def pair(client, boss):
    return (make_worker(client, boss, phone="040 111 0001"),
            make_worker(client, boss, phone="040 111 0002"))


def rotation(client, headers, workers, level="primary", start="2026-03-23T08:00:00+02:00",
             hours=168):
    status, body = call(client, "POST", "/oncall/rotations", headers,
                        {"id": unique("r"), "level": level, "workers": list(workers),
                         "start": start, "shift_hours": hours})
    assert status == 201, body
    return body


def now_at(client, headers, at):
    status, body = call(client, "GET", f"/oncall/now?at={at.replace('+', '%2B')}", headers)
    assert status == 200, body
    return body


@pytest.mark.parametrize(("at", "holder"), [
    ("2026-03-30T07:59:00+03:00", 0),  # the Monday after the spring change: still week 1
    ("2026-03-30T08:00:00+03:00", 1),  # handoff at 08:00 summer time
    ("2026-10-26T07:59:00+02:00", 0),  # the Monday after the autumn change (31st handoff)
    ("2026-10-26T08:00:00+02:00", 1),  # handoff at 08:00 winter time
])
def test_a_monday_0800_handoff_stays_at_0800_through_both_dst_changes(client, boss, pair, at,
                                                                      holder):
    rotation(client, boss, pair)
    body = now_at(client, boss, at)
    assert body["primary"]["worker"] == pair[holder]
    assert body["primary"]["phone"] == f"+35840111000{holder + 1}"
    assert body["secondary"] is None


def test_an_override_wins_over_the_rota(client, boss, pair):
    rotation(client, boss, pair)
    status, _ = call(client, "POST", "/oncall/overrides", boss,
                     {"worker": pair[1], "level": "primary", "start": "2026-03-25T12:00:00+02:00",
                      "end": "2026-03-25T18:00:00+02:00"})
    assert status == 201
    assert now_at(client, boss, "2026-03-25T13:00:00+02:00")["primary"]["worker"] == pair[1]
    assert now_at(client, boss, "2026-03-25T19:00:00+02:00")["primary"]["worker"] == pair[0]


def test_oncall_now_costs_one_dynamodb_round_trip(client, boss, pair):
    rotation(client, boss, pair)
    rotation(client, boss, pair[::-1], level="secondary")
    with dynamodb_requests() as calls:
        body = now_at(client, boss, "2026-05-04T10:00:00+03:00")
    assert body["primary"] and body["secondary"]
    assert calls == ["GetItem"]


INSTANT_ERROR = "must be an ISO 8601 instant with an offset"


@pytest.mark.parametrize(("path", "field"), [
    ("/oncall/now?at=tomorrow", "at"),
    ("/oncall/now?at=2026-03-30T08:00:00", "at"),  # no offset
    ("/oncall/now?at=9999-12-31T23:59:59-01:00", "at"),  # past what UTC can hold: was a 500
    ("/oncall/gaps?from=2026-05-04T00:00:00%2B03:00", "to"),
])
def test_a_bad_instant_in_a_query_is_400_naming_the_parameter(client, boss, path, field):
    status, body = call(client, "GET", path, boss)
    assert (status, body) == (400, {"error": {"code": "bad_request", "field": field,
                                              "message": f"{field} {INSTANT_ERROR}"}})


def test_gaps_in_the_tenth_century_are_400_not_local_mean_time(client, boss):
    # `make fuzz` got 200 with "+01:39:49" offsets (Helsinki before 1921), not RFC 3339.
    status, body = call(client, "GET", "/oncall/gaps?from=0938-07-02T10:57:31Z"
                        "&to=0938-07-02T16:55:42-08:46", boss)
    assert (status, body) == (400, {"error": {"code": "bad_request", "field": "from",
                                              "message": "from must lie between 2000 and 2099"}})


@pytest.mark.parametrize("start", ["tomorrow", "2026-03-23T08:00:00", None,
                                   "0001-01-01T00:00:00+01:00"])
def test_a_bad_start_of_a_rotation_or_override_is_the_same_400_as_in_a_query(client, boss,
                                                                              pair, start):
    # Until the parsers were one, garbage and a missing offset read differently here.
    expected = (400, {"error": {"code": "bad_request", "field": "start",
                                "message": f"start {INSTANT_ERROR}"}})
    assert call(client, "POST", "/oncall/rotations", boss,
                {"id": unique("r"), "level": "primary", "workers": list(pair), "start": start,
                 "shift_hours": 8}) == expected
    assert call(client, "POST", "/oncall/overrides", boss,
                {"worker": pair[0], "level": "primary", "start": start,
                 "end": "2026-03-24T08:00:00+02:00"}) == expected


def test_gaps_are_listed_per_level(client, boss, pair):
    rotation(client, boss, pair, start="2026-05-04T08:00:00+03:00")
    status, body = call(client, "GET", "/oncall/gaps?from=2026-05-04T00:00:00%2B03:00"
                        "&to=2026-05-05T00:00:00%2B03:00", boss)
    assert status == 200
    assert body["gaps"] == [
        {"level": "primary", "start": "2026-05-04T00:00:00+03:00",
         "end": "2026-05-04T08:00:00+03:00"},
        {"level": "secondary", "start": "2026-05-04T00:00:00+03:00",
         "end": "2026-05-05T00:00:00+03:00"},
    ]


def test_the_daily_gap_sweep_alerts_each_gap_once(client, boss, pair, monkeypatch):
    from app import app
    from chalicelib import bootstrap

    monkeypatch.setenv("TAPAAMO_COORDINATOR_EMAIL", "tiimi@example.org")
    rotation(client, boss, pair, start="2026-05-10T08:00:00+03:00")
    with time_machine.travel(datetime(2026, 5, 4, 5, 0, tzinfo=UTC), tick=False):
        first = app.handler_map["oncall_gap_alert"](SCHEDULED, None)
    with time_machine.travel(datetime(2026, 5, 5, 5, 0, tzinfo=UTC), tick=False):
        second = app.handler_map["oncall_gap_alert"](SCHEDULED, None)
    assert first == {"alerts": 2}  # primary until the rota starts; secondary all along
    assert second == {"alerts": 0}
    assert bootstrap.wiring().settings.coordinator_emails == ("tiimi@example.org",)


def test_a_worker_cannot_change_the_policy(client, token):
    status, body = call(client, "PUT", "/oncall/policy", token("worker", "w-x"),
                        {"steps": [{"notify": "primary", "wait_seconds": 60}], "repeat": 0})
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_a_coordinator_sets_the_policy_and_bad_targets_are_refused(client, boss):
    policy = {"steps": [{"notify": "primary", "wait_seconds": 60},
                        {"notify": "secondary", "wait_seconds": 120}], "repeat": 2}
    assert call(client, "PUT", "/oncall/policy", boss, policy) == (200, policy)
    status, body = call(client, "PUT", "/oncall/policy", boss,
                        {"steps": [{"notify": "worker:nobody", "wait_seconds": 60}]})
    assert (status, body["error"]["code"]) == (422, "unknown_worker")


def signed(body: bytes, secret=SECRET) -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Tapaamo-Signature": f"sha256={digest}"}


def test_a_missed_call_with_a_bad_signature_is_refused(client, monkeypatch):
    monkeypatch.setenv("TAPAAMO_HOOK_SECRET", SECRET)
    body = json.dumps({"caller": "040 765 4321"}).encode()
    for headers in (signed(body, "wrong"), {"Content-Type": "application/json"}):
        status, answer = call(client, "POST", "/hooks/missed-call", headers, body)
        assert (status, answer["error"]["code"]) == (401, "bad_signature")


def test_a_signed_missed_call_opens_an_escalation_calling_back_the_caller(client, boss, pair,
                                                                         monkeypatch):
    monkeypatch.setenv("TAPAAMO_HOOK_SECRET", SECRET)
    rotation(client, boss, pair, start="2020-01-06T08:00:00+02:00")
    body = json.dumps({"caller": "040 765 4321"}).encode()
    status, opened = call(client, "POST", "/hooks/missed-call", signed(body), body)
    assert status == 201, opened
    status, view = call(client, "GET", f"/escalations/{opened['id']}", boss)
    assert status == 200
    assert (view["status"], view["level"], view["callback_phone"]) == ("open", "primary",
                                                                       "+358407654321")
    kinds = sorted((n["kind"], n["channel"]) for n in view["notifications"])
    assert kinds == [("escalation", "email"), ("escalation", "sms"),
                     ("escalation-received", "sms")]
    assert [t["event"] for t in view["timeline"]] == ["opened", "paged"]


def test_staff_open_acknowledge_and_resolve_an_escalation(client, boss, pair, token):
    rotation(client, boss, pair, start="2020-01-06T08:00:00+02:00")
    status, opened = call(client, "POST", "/escalations", boss,
                          {"source": "phone", "message": "perhe soitti"})
    assert (status, opened["status"]) == (201, "open")
    worker = token("worker", pair[0])
    status, acked = call(client, "POST", f"/escalations/{opened['id']}/ack", worker)
    assert (status, acked["status"], acked["acknowledged_by"]) == (200, "acknowledged", pair[0])
    status, again = call(client, "POST", f"/escalations/{opened['id']}/ack", worker)
    assert (status, again["error"]["code"]) == (409, "already_acknowledged")
    status, resolved = call(client, "POST", f"/escalations/{opened['id']}/resolve", worker,
                            {"outcome": "called-back"})
    assert (status, resolved["outcome"]) == (200, "called-back")


def test_the_one_time_ack_link_confirms_then_acknowledges_once(client, boss, pair, aws):
    from chalicelib import bootstrap
    from tests.integration.test_reviews_api import run_job
    from tests.support.notify import link_path, sink_messages

    rotation(client, boss, pair[:1], start="2020-01-06T08:00:00+02:00")
    status, opened = call(client, "POST", "/escalations", boss, {"source": "staff"})
    assert status == 201
    run_job(client, "sweep_notifications")
    (page_sms,) = [m for m in sink_messages(aws["TAPAAMO_LOCAL_DIR"]) if m["channel"] == "sms"]
    ack = link_path(page_sms["body"])
    page = client.http.get(ack)
    assert page.status_code == 200 and b"<form method=\"post\"" in page.body
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.http.post(ack, headers=form).status_code == 200
    assert client.http.post(ack, headers=form).status_code == 410
    assert client.http.get("/ack/not-a-token").status_code == 404
    record = bootstrap.wiring().escalations.get(opened["id"])
    assert (record.escalation.status, record.escalation.acknowledged_by) == ("acknowledged",
                                                                             pair[0])


def test_the_connect_handler_returns_flat_strings(client, boss, pair):
    from app import app

    connect = app.handler_map["connect_oncall"]
    with time_machine.travel(datetime(2026, 5, 4, 7, 0, tzinfo=UTC), tick=False):
        assert connect({"Details": {}}, None) == {"phone": "none", "worker": "none",
                                                  "level": "none"}
    rotation(client, boss, pair, level="secondary")
    with time_machine.travel(datetime(2026, 5, 4, 7, 0, tzinfo=UTC), tick=False):
        answer = connect({"Details": {}}, None)
    # 2026-05-04 is six weekly shifts after the rotation's start: the first worker's turn.
    assert answer == {"phone": "+358401110001", "worker": pair[0], "level": "secondary"}
    assert all(isinstance(v, str) for v in answer.values())


def test_a_workers_feed_shows_their_on_call_shifts(client, boss, pair):
    rotation(client, boss, pair[:1], start="2020-01-06T08:00:00+02:00")
    status, minted = call(client, "POST", f"/workers/{pair[0]}/feed-tokens", boss)
    assert status == 201, minted
    feed = client.http.get(minted["url"].removeprefix("http://tapaamo.test"))
    assert feed.status_code == 200
    assert "Päivystys (ensisijainen)" in feed.body.decode()
    assert f"UID:oncall-{pair[0]}-primary-" in feed.body.decode()


def test_a_family_asks_for_help_twice_and_both_requests_join_one_escalation(client, boss,
                                                                           pair):
    from harness.api import make_case
    from harness.booking import issue_link

    rotation(client, boss, pair[:1], start="2020-01-06T08:00:00+02:00")
    case = make_case(client, boss, pair)
    token = issue_link(client, boss, case["id"])
    status, first = call(client, "POST", f"/book/{token}/help", {"Content-Type": "application/json"},
                         {"message": "soittakaa"})
    assert status == 201, first
    status, second = call(client, "POST", f"/book/{token}/help",
                          {"Content-Type": "application/json"}, {})
    assert (status, second) == (201, first)
    status, view = call(client, "GET", f"/escalations/{first['escalation_id']}", boss)
    assert [t["event"] for t in view["timeline"]] == ["opened", "paged", "request-added"]
    assert view["timeline"][0]["message"] == "soittakaa"
    received = [n for n in view["notifications"] if n["kind"] == "escalation-received"]
    assert {n["recipient"] for n in received} == {"+358401234567", "family@example.org"}


def test_help_through_an_unknown_link_is_404(client):
    status, body = call(client, "POST", "/book/kabc.notavalidtokenatallxxxxxxxxx/help",
                        {"Content-Type": "application/json"}, {})
    assert status == 404
