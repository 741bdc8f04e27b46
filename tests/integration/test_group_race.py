"""Twenty families ask for a group's last seat at once, on DynamoDB Local (a real engine:
moto applies conditional updates without a lock): the group item's ``taken < seats``
condition lets exactly one in."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine

from chalicelib.store.groups import group_key
from chalicelib.store.tx import batch_get
from tests.integration.test_booking_race import local_client, local_coord  # noqa: F401
from harness.api import call, make_office, make_worker
from harness.booking import NOW, TUESDAY, at, make_family
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

JSON = {"Content-Type": "application/json"}


def group_and_families(client, coord, count: int):
    office = make_office(client, coord, rooms=1)
    leaders = [make_worker(client, coord), make_worker(client, coord)]
    status, group = call(client, "POST", "/groups", coord, {
        "service": "tehostettu-perhetyo", "office": office, "workers": leaders,
        "start": at(TUESDAY, 17), "sessions": 4, "seats": 6})
    assert status == 201, group
    workers = [make_worker(client, coord)]
    families = [make_family(client, coord, workers=workers, office=office)
                for _ in range(count + 5)]
    for family in families[:5]:  # five of six seats taken: one left
        assert call(client, "POST", f"{family.base}/groups/{group['id']}/seats", JSON)[0] == 201
    return group, families[5:]


def race(client, group, families, body):
    with ThreadPoolExecutor(max_workers=len(families)) as pool:
        return list(pool.map(lambda f: call(
            client, "POST", f"{f.base}/groups/{group['id']}/seats", JSON, body), families))


@pytest.mark.parametrize("waiting_list", [False, True])
def test_on_dynamodb_local_twenty_families_for_the_last_seat_seat_exactly_one(
        local_client, local_coord, waiting_list):
    with time_machine.travel(NOW, tick=True):
        group, families = group_and_families(local_client, local_coord, 20)
        results = race(local_client, group, families, {"waiting_list": waiting_list})
    if waiting_list:
        assert Counter(body["status"] for _, body in results) == {"seated": 1, "waiting": 19}
        assert {status for status, _ in results} == {201}
    else:
        assert Counter(status for status, _ in results) == {201: 1, 409: 19}, results
        assert {b["error"]["code"] for s, b in results if s == 409} == {"group_full"}
    item = batch_get([group_key(group["id"])], consistent=True)[group_key(group["id"])]
    assert (item["taken"], item["waiting"]) == (6, 19 if waiting_list else 0)


def test_on_dynamodb_local_twenty_families_for_a_drop_in_sessions_last_seat_seat_one(
        local_client, local_coord):
    with time_machine.travel(NOW, tick=True):
        office = make_office(local_client, local_coord, rooms=1)
        leaders = [make_worker(local_client, local_coord)]
        status, group = call(local_client, "POST", "/groups", local_coord, {
            "service": "tehostettu-perhetyo", "office": office, "workers": leaders,
            "start": at(TUESDAY, 17), "sessions": 2, "seats": 3, "per_session": True})
        assert status == 201, group
        last = group["sessions"][1]["id"]
        workers = [make_worker(local_client, local_coord)]
        families = [make_family(local_client, local_coord, workers=workers, office=office)
                    for _ in range(22)]
        for family in families[:2]:  # two of three seats of the second session taken
            assert call(local_client, "POST", f"{family.base}/groups/{group['id']}/seats",
                        JSON, {"session": last})[0] == 201
        results = race(local_client, group, families[2:], {"session": last})
    assert Counter(status for status, _ in results) == {201: 1, 409: 19}, results
    item = batch_get([group_key(group["id"])], consistent=True)[group_key(group["id"])]
    assert item["session_taken"] == {group["sessions"][0]["id"]: 0, last: 3}
