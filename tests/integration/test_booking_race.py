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
from chalicelib.store.tx import batch_get, client as ddb
from tests.support.api import make_worker
from tests.support.booking import NOW, TUESDAY, at, book, make_family


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


@pytest.fixture
def coord(aws, token):
    with time_machine.travel(NOW, tick=False):
        yield token("coordinator")


def test_twenty_parallel_bookings_of_one_start_give_one_201_and_nineteen_409(client, coord,
                                                                            atomic_calls):
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
    appointments = ddb().scan(TableName=aws_table(), FilterExpression="begins_with(pk, :p)",
                              ExpressionAttributeValues={":p": {"S": "APPT#"}})["Items"]
    assert len(appointments) == 1


def aws_table() -> str:
    from chalicelib.store.tx import table_name

    return table_name()
