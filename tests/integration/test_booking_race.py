"""Concurrent bookings of one start on moto: the transaction conditions pick one winner.

moto's in-memory backend is not thread-safe (parallel calls corrupt it), so each call to
it is made atomic here, as a real engine makes each transaction; the requests still run
their reads, checks and retries interleaved. This proves the conditions, not the
engine; the same race against DynamoDB Local runs in the localstack tier.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine

from chalicelib.domain.booking_rules import BookingRules, iso_week_key, lock_buckets
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local
from chalicelib.store.calendar import cal_key, load_key
from chalicelib.store.tx import batch_get
from harness.api import call, make_worker
from harness.booking import (NOW, TUESDAY, at, book, clock, coord,  # noqa: F401 - fixtures
                                   make_family)
from tests.support.client import app_client, staff_headers
from harness.ddblocal import ddb_local  # noqa: F401 - fixture


@pytest.fixture
def atomic_calls(monkeypatch):
    """Every AWS call runs alone, as one DynamoDB request is atomic in the real service."""
    import threading

    from botocore.client import BaseClient

    lock = threading.Lock()
    original = BaseClient._make_api_call

    def alone(self, operation, params):
        with lock:
            return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", alone)


def test_twenty_parallel_bookings_of_one_start_give_one_201_and_nineteen_409(client, coord,
                                                                            atomic_calls):
    race_for_one_start(client, coord)


def race_for_one_start(client, coord):
    """20 threads, two families sharing a worker and an office, the same start."""
    with time_machine.travel(NOW, tick=True):
        shared = make_worker(client, coord)
        first = make_family(client, coord, workers=[shared, make_worker(client, coord)])
        second = make_family(client, coord, workers=[shared], office=first.office)
        families = [first, second] * 10
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(lambda f: book(client, f, at(TUESDAY, 10)), families))
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: 19}, results
    assert {body["error"]["code"] for status, body in results if status == 409} == {"slot_taken"}
    winner = next(body for status, body in results if status == 201)
    meeting = Interval(at_local(TUESDAY, 10), at_local(TUESDAY, 11, 30))
    week = iso_week_key(meeting.start)
    calendar = batch_get([cal_key(shared, week)])[cal_key(shared, week)]
    locks = {k: v for k, v in calendar.items() if k.startswith("b")}
    assert set(locks) == {f"b{b}" for b in lock_buckets(meeting, BookingRules())}
    assert {v.rpartition("|")[2] for v in locks.values()} == {winner["id"]}
    for family in (first, second):
        load = batch_get([load_key(family.case, week)]).get(load_key(family.case, week), {})
        assert load.get("n", 0) == (1 if family.case == winner["case"] else 0)
    listed = [call(client, "GET", f"{f.base}/appointments", {})[1]["appointments"]
              for f in (first, second)]
    assert [a["id"] for a in listed[0] + listed[1]] == [winner["id"]]


@pytest.fixture
def local_client(ddb_local):
    with app_client() as test_client:
        yield test_client


@pytest.fixture
def local_coord(ddb_local):
    with time_machine.travel(NOW, tick=False):
        return staff_headers(ddb_local["TAPAAMO_LOCAL_DIR"])


def test_on_dynamodb_local_twenty_parallel_bookings_give_one_201(local_client, local_coord):
    race_for_one_start(local_client, local_coord)


def test_on_dynamodb_local_overlapping_starts_of_two_families_leave_one_winner(
        local_client, local_coord):
    with time_machine.travel(NOW, tick=True):
        shared = make_worker(local_client, local_coord)
        first = make_family(local_client, local_coord, workers=[shared])
        second = make_family(local_client, local_coord, workers=[shared])
        asks = [(first, at(TUESDAY, 10)), (second, at(TUESDAY, 10, 30)),
                (first, at(TUESDAY, 11)), (second, at(TUESDAY, 9, 30))] * 4
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(lambda ask: book(local_client, *ask), asks))
    assert Counter(status for status, _ in results) == {201: 1, 409: 15}, results
