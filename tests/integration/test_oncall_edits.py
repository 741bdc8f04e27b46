"""Editing and ending rotations and overrides through the API (chalice.test.Client on moto)."""

from __future__ import annotations

import pytest

from tests.integration.test_oncall_api import now_at, rotation
from harness.api import call, make_worker, unique

WEEK = "2026-03-23T08:00:00+02:00"


@pytest.fixture
def boss(token):
    return token("coordinator")


@pytest.fixture
def pair(client, boss):
    return make_worker(client, boss, phone="040 111 0001"), make_worker(client, boss)


def gaps(client, boss, start, end):
    status, body = call(client, "GET", f"/oncall/gaps?from={start}&to={end}".replace("+", "%2B"),
                        boss)
    assert status == 200, body
    return [(g["level"], g["start"], g["end"]) for g in body["gaps"] if g["level"] == "primary"]


def test_an_ended_rotation_stops_there_and_its_level_is_a_gap_after_it(client, boss, pair):
    made = rotation(client, boss, pair, start=WEEK)
    status, ended = call(client, "POST", f"/oncall/rotations/{made['id']}/end", boss,
                         {"at": "2026-03-25T12:00:00+02:00"})
    assert (status, ended["end"]) == (200, "2026-03-25T12:00:00+02:00"), ended
    assert now_at(client, boss, "2026-03-25T11:59:00+02:00")["primary"]["worker"] == pair[0]
    assert now_at(client, boss, "2026-03-25T12:00:00+02:00")["primary"] is None
    assert gaps(client, boss, "2026-03-24T00:00:00+02:00", "2026-03-27T00:00:00+02:00") == [
        ("primary", "2026-03-25T12:00:00+02:00", "2026-03-27T00:00:00+02:00")]
    listed = call(client, "GET", "/oncall/rotations", boss)[1]["rotations"]
    assert [r["end"] for r in listed if r["id"] == made["id"]] == ["2026-03-25T12:00:00+02:00"]


def test_posting_a_rotation_again_under_its_id_edits_it(client, boss, pair):
    made = rotation(client, boss, pair, start=WEEK)
    status, body = call(client, "POST", "/oncall/rotations", boss,
                        {**made, "workers": [pair[1]], "end": "2026-04-06T08:00:00+03:00"})
    assert status == 201, body
    assert now_at(client, boss, "2026-03-24T12:00:00+02:00")["primary"]["worker"] == pair[1]
    assert now_at(client, boss, "2026-04-06T08:00:00+03:00")["primary"] is None


def test_ending_a_rotation_before_its_start_or_an_unknown_one_is_refused(client, boss, pair):
    made = rotation(client, boss, pair, start=WEEK)
    status, body = call(client, "POST", f"/oncall/rotations/{made['id']}/end", boss,
                        {"at": "2026-03-01T08:00:00+02:00"})
    assert (status, body["error"]["code"]) == (400, "bad_request")
    status, body = call(client, "POST", "/oncall/rotations/r-nobody/end", boss, {})
    assert (status, body["error"]["code"]) == (404, "unknown_rotation")


def test_an_override_is_listed_changed_cut_short_and_removed(client, boss, pair):
    rotation(client, boss, pair[:1], start=WEEK)
    status, made = call(client, "POST", "/oncall/overrides", boss, {
        "worker": pair[1], "level": "primary", "start": "2026-03-24T08:00:00+02:00",
        "end": "2026-03-25T08:00:00+02:00"})
    assert status == 201, made
    listed = call(client, "GET", "/oncall/overrides", boss)[1]["overrides"]
    assert [o["id"] for o in listed] == [made["id"]]

    body = {k: made[k] for k in ("worker", "level", "start")} | {
        "end": "2026-03-26T08:00:00+02:00"}
    status, moved = call(client, "PUT", f"/oncall/overrides/{made['id']}", boss, body)
    assert status == 200, moved
    assert now_at(client, boss, "2026-03-25T12:00:00+02:00")["primary"]["worker"] == pair[1]

    status, _ = call(client, "POST", f"/oncall/overrides/{moved['id']}/end", boss,
                     {"at": "2026-03-25T00:00:00+02:00"})
    assert status == 204
    assert now_at(client, boss, "2026-03-25T12:00:00+02:00")["primary"]["worker"] == pair[0]
    [cut] = call(client, "GET", "/oncall/overrides", boss)[1]["overrides"]
    assert cut["end"] == "2026-03-25T00:00:00+02:00"

    assert call(client, "POST", f"/oncall/overrides/{cut['id']}/end", boss,
                {"at": "2026-03-20T00:00:00+02:00"})[0] == 204
    assert call(client, "GET", "/oncall/overrides", boss)[1]["overrides"] == []
    status, body = call(client, "POST", f"/oncall/overrides/{cut['id']}/end", boss, {})
    assert (status, body["error"]["code"]) == (404, "unknown_override")


def test_a_worker_cannot_end_or_change_the_rota(client, boss, pair, token):
    made = rotation(client, boss, pair, start=WEEK)
    worker = token("worker", pair[0])
    assert call(client, "POST", f"/oncall/rotations/{made['id']}/end", worker, {})[0] == 403
    assert call(client, "PUT", f"/oncall/overrides/{unique('o')}", worker, {})[0] == 403
