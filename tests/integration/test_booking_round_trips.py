"""DynamoDB round trips per booking request, counted on every botocore client."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine

from harness.api import call
from harness.booking import NOW, TUESDAY, at, book, make_family
from harness.round_trips import dynamodb_requests


@pytest.fixture
def family(client, aws, token):
    with time_machine.travel(NOW, tick=False):
        coord = token("coordinator")
        yield make_family(client, coord)


def test_slots_for_fourteen_days_take_two_round_trips_and_no_scan(client, family):
    with time_machine.travel(NOW, tick=False), dynamodb_requests() as calls:
        status, body = call(client, "GET", f"{family.base}/slots?from={TUESDAY}&days=14", {})
    assert status == 200 and body["slots"]
    assert len(calls) <= 2 and "Scan" not in calls, calls


def test_a_booking_takes_one_read_and_one_transaction(client, family):
    with time_machine.travel(NOW, tick=False), dynamodb_requests() as calls:
        status, _ = book(client, family, at(TUESDAY, 10), family.office,
                         headers={"Idempotency-Key": "k1"})
    assert status == 201
    assert Counter(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls


def test_a_cancel_takes_one_read_and_one_transaction(client, family):
    with time_machine.travel(NOW, tick=False):
        booked = book(client, family, at(TUESDAY, 10))[1]
        with dynamodb_requests() as calls:
            status, _ = call(client, "POST",
                             f"{family.base}/appointments/{booked['id']}/cancel", {})
    assert status == 200
    assert Counter(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls


def test_a_move_takes_one_read_and_one_transaction(client, family):
    with time_machine.travel(NOW, tick=False):
        booked = book(client, family, at(TUESDAY, 10))[1]
        with dynamodb_requests() as calls:
            status, _ = call(client, "POST", f"{family.base}/appointments/{booked['id']}/move",
                             {"Content-Type": "application/json"},
                             {"start": at(TUESDAY, 12), "location": "home"})
    assert status == 200
    assert Counter(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls
