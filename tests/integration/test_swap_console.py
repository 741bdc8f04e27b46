"""Shift swaps in the console on moto: a worker's own shifts with "Ask for a swap", another
worker's "Take the shift", the coordinator's view of both, and a late taker told so."""

from __future__ import annotations

import pytest

from tests.integration.test_console_pages import get, post
from tests.integration.test_swaps import crew, primary_at_sunday_noon  # noqa: F401
from harness.api import call
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie


@pytest.fixture
def pages(crew):  # noqa: F811
    return {name: console_cookie("worker", worker) for name, (worker, _) in crew.items()}


def test_a_worker_asks_in_the_console_and_another_takes_the_shift(client, coord, crew, pages):
    anna, cai = crew["anna"][0], crew["cai"][0]
    mine = get(client, "/staff/oncall", pages["anna"]).body.decode()
    assert "Omat vuoroni" in mine and "Pyydä vaihtoa: su 22.11." in mine
    asked = post(client, "/staff/oncall/swaps", pages["anna"], {
        "level": "primary", "start": "2026-11-22T06:00:00+00:00",
        "end": "2026-11-23T06:00:00+00:00"})
    assert (asked.status_code, asked.headers["Location"]) == (303,
                                                              "/staff/oncall?notice=swap-asked")
    assert primary_at_sunday_noon(client, coord) == anna
    [swap] = call(client, "GET", "/oncall/swaps", coord)[1]["swaps"]

    theirs = get(client, "/staff/oncall", pages["cai"]).body.decode()
    assert f'/staff/oncall/swaps/{swap["id"]}/accept' in theirs and "Otan vuoron" in theirs
    own = get(client, "/staff/oncall", pages["anna"]).body.decode()
    assert f'/staff/oncall/swaps/{swap["id"]}/accept' not in own  # not one's own request
    taken = post(client, f"/staff/oncall/swaps/{swap['id']}/accept", pages["cai"], {})
    assert taken.headers["Location"] == "/staff/oncall?notice=swap-accepted"
    assert primary_at_sunday_noon(client, coord) == cai

    late = post(client, f"/staff/oncall/swaps/{swap['id']}/accept", pages["ben"], {})
    assert late.headers["Location"] == "/staff/oncall?notice=swap-taken"
    boss = get(client, "/staff/oncall", console_cookie("coordinator")).body.decode()
    assert f"<td>{anna}</td><td>Hyväksytty: {cai}</td>" in boss


def test_asking_for_a_shift_that_is_not_ones_own_or_as_a_coordinator_is_refused(
        client, crew, pages):
    refused = post(client, "/staff/oncall/swaps", pages["ben"], {
        "level": "primary", "start": "2026-11-22T06:00:00+00:00",
        "end": "2026-11-23T06:00:00+00:00"})
    assert refused.status_code == 400
    boss = post(client, "/staff/oncall/swaps", console_cookie("coordinator"), {})
    assert boss.status_code == 403
