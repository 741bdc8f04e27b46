"""The rota read back through HTTP: rotations (paged), the policy in force, gaps by Helsinki day."""

from __future__ import annotations

import pytest

from harness.api import call, make_worker


@pytest.fixture
def boss(token):
    return token("coordinator")


@pytest.fixture
def pair(client, boss):
    return make_worker(client, boss), make_worker(client, boss)


def put_rotation(client, headers, rotation_id, workers, level="primary",
                 start="2026-05-04T08:00:00+03:00", hours=24):
    status, body = call(client, "POST", "/oncall/rotations", headers,
                        {"id": rotation_id, "level": level, "workers": list(workers),
                         "start": start, "shift_hours": hours})
    assert status == 201, body


def test_rotations_are_listed_in_pages_by_id_for_any_staff(client, boss, token, pair):
    for rotation_id in ("yo", "arki", "viikonloppu"):
        put_rotation(client, boss, rotation_id, pair)
    put_rotation(client, boss, "varalla", pair[::-1], level="secondary", hours=168)
    worker = token("worker", pair[0])
    status, first = call(client, "GET", "/oncall/rotations?limit=3", worker)
    assert status == 200
    assert [r["id"] for r in first["rotations"]] == ["arki", "varalla", "viikonloppu"]
    status, rest = call(client, "GET", f"/oncall/rotations?limit=3&cursor={first['cursor']}",
                        worker)
    assert (status, rest["cursor"]) == (200, None)
    assert rest["rotations"] == [{"id": "yo", "level": "primary", "workers": list(pair),
                                  "start": "2026-05-04T08:00:00+03:00", "shift_hours": 24,
                                  "end": None}]  # a rotation without an end runs on


def test_an_empty_rota_lists_no_rotations(client, boss):
    assert call(client, "GET", "/oncall/rotations", boss) == (
        200, {"rotations": [], "cursor": None})


def test_a_bad_rotation_cursor_is_400(client, boss):
    status, body = call(client, "GET", "/oncall/rotations?cursor=bm90LWEtY3Vyc29y", boss)
    assert (status, body["error"]["code"]) == (400, "bad_cursor")


def test_the_policy_is_the_default_until_a_coordinator_puts_one(client, boss, token, pair):
    worker = token("worker", pair[0])
    status, body = call(client, "GET", "/oncall/policy", worker)
    assert (status, body) == (200, {"steps": [{"notify": "primary", "wait_seconds": 600},
                                              {"notify": "secondary", "wait_seconds": 600}],
                                    "repeat": 1, "default": True})
    policy = {"steps": [{"notify": f"worker:{pair[1]}", "wait_seconds": 120}], "repeat": 0}
    assert call(client, "PUT", "/oncall/policy", boss, policy)[0] == 200
    assert call(client, "GET", "/oncall/policy", worker) == (200, {**policy, "default": False})


def test_the_rota_lists_need_a_token(client):
    for path in ("/oncall/rotations", "/oncall/policy"):
        assert call(client, "GET", path, {})[0] == 401


def test_gaps_by_date_run_from_the_first_days_start_to_the_last_days_end(client, boss, pair):
    put_rotation(client, boss, "arki", pair, start="2026-05-04T08:00:00+03:00", hours=24)
    by_date = call(client, "GET", "/oncall/gaps?from=2026-05-04&to=2026-05-05", boss)
    by_instant = call(client, "GET", "/oncall/gaps?from=2026-05-04T00:00:00%2B03:00"
                      "&to=2026-05-06T00:00:00%2B03:00", boss)
    assert by_date == by_instant
    assert by_date[1]["gaps"] == [
        {"level": "primary", "start": "2026-05-04T00:00:00+03:00",
         "end": "2026-05-04T08:00:00+03:00"},
        {"level": "secondary", "start": "2026-05-04T00:00:00+03:00",
         "end": "2026-05-06T00:00:00+03:00"}]


def test_one_date_is_that_whole_helsinki_day_also_on_the_autumn_dst_change(client, boss):
    status, body = call(client, "GET", "/oncall/gaps?from=2026-10-25&to=2026-10-25", boss)
    assert status == 200
    # 25 hours: summer time until 04:00, winter time after.
    assert body["gaps"][0] == {"level": "primary", "start": "2026-10-25T00:00:00+03:00",
                               "end": "2026-10-26T00:00:00+02:00"}


def test_a_date_and_an_instant_mix(client, boss):
    status, body = call(client, "GET", "/oncall/gaps?from=2026-05-04&to=2026-05-04T12:00:00Z",
                        boss)
    assert status == 200
    assert body["gaps"][0]["end"] == "2026-05-04T15:00:00+03:00"


@pytest.mark.parametrize("query, field", [
    ("from=2026-02-30&to=2026-03-01", "from"),
    ("from=2026-05-04&to=05.05.2026", "to"),
    ("from=1999-12-31&to=2000-01-02", "from"),
    ("from=2026-05-04&to=2099-12-31", "to"),
    ("from=2026-05-04", "to"),
])
def test_a_bad_date_is_400_naming_it(client, boss, query, field):
    status, body = call(client, "GET", f"/oncall/gaps?{query}", boss)
    assert (status, body["error"]["field"]) == (400, field), body


def test_more_than_92_days_of_dates_is_422(client, boss):
    status, body = call(client, "GET", "/oncall/gaps?from=2026-01-01&to=2026-04-30", boss)
    assert (status, body["error"]["code"]) == (422, "range_too_long")
