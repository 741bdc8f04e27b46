"""Booking races through the REAL local server (chalice local + DynamoDB Local) over HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.workdays import at_local, is_working_day, local
from tests.support.stack import local_stack  # noqa: F401 - fixture

pytestmark = pytest.mark.localstack


def http(stack, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{stack.base_url}{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def bookable_start() -> str:
    """10:00 on a working day 3-20 days ahead (the server reads the real clock)."""
    day = local(datetime.now(UTC)).date() + timedelta(days=3)
    while not is_working_day(day):
        day += timedelta(days=1)
    return at_local(day, 10).isoformat()


def setup_two_families(stack, share_worker: bool):
    """Two cases in one single-room office, sharing a worker or not; link tokens, workers."""
    staff = {"Authorization": f"Bearer {stack.token('coordinator')}"}
    suffix = uuid.uuid4().hex[:6]
    office = f"race-{suffix}"
    assert http(stack, "PUT", f"/offices/{office}",
                {"name": "Race", "address": "Testikatu 1", "rooms": 1}, staff)[0] == 200
    workers = [f"rw{n}-{suffix}" for n in range(3)]
    for worker in workers:
        assert http(stack, "PUT", f"/workers/{worker}", {"name": "W"}, staff)[0] == 201
    pairs = ([workers[0], workers[1]], [workers[0]]) if share_worker else (
        [workers[1]], [workers[2]])
    tokens = []
    for pair in pairs:
        status, case = http(stack, "POST", "/cases", {
            "service": "perhetyo", "workers": pair, "start_date": "2026-01-01",
            "meeting_minutes": 90, "meetings_per_week": 2, "locations": ["home", office],
            "contact": {"phone": "040 123 4567", "language": "fi"}}, staff)
        assert status == 201, case
        status, link = http(stack, "POST", f"/cases/{case['id']}/booking-links", {}, staff)
        assert status == 201, link
        tokens.append(link["url"].rsplit("/book/", 1)[1])
    return tokens, office, staff


@pytest.mark.parametrize("share_worker, place", [(True, "home"), (False, "office")],
                         ids=["one-worker", "one-room"])
def test_twenty_parallel_requests_through_the_local_server_book_once(
        local_stack, share_worker, place):  # noqa: F811
    tokens, office, staff = setup_two_families(local_stack, share_worker)
    start = bookable_start()
    location = office if place == "office" else "home"

    def attempt(token):
        # chalice local's listen backlog is small: a reset connection is retried with the
        # same Idempotency-Key, as a real client would, so nothing can be counted twice.
        key = {"Idempotency-Key": uuid.uuid4().hex}
        for _ in range(5):
            try:
                return http(local_stack, "POST", f"/book/{token}/appointments",
                            {"start": start, "location": location}, key)
            except ConnectionError:
                time.sleep(0.2)
        raise AssertionError("the local server kept resetting the connection")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, tokens * 10))
    assert Counter(status for status, _ in results) == {201: 1, 409: 19}, results
    booked = [a for token in tokens
              for a in http(local_stack, "GET", f"/book/{token}/appointments")[1]["appointments"]]
    assert [(a["status"], a["location"]) for a in booked] == [("booked", location)], (booked, results)
