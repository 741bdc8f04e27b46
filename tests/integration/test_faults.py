"""DynamoDB faults under the API: throttling and transaction conflicts (injected) are
retried or answered 503 with Retry-After, and so is a DynamoDB Local that is paused or
killed; never 500, never a half-written booking.

(SNS/SES outages leaving the outbox queued and retried: tests/integration/test_delivery.py.)
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import time_machine
from botocore.exceptions import ClientError

from chalicelib import bootstrap
from chalicelib.domain.booking_rules import iso_week_key
from harness.api import call
from harness.booking import NOW, TUESDAY, at, book, make_family
from harness.consistency import lock_problems
from harness.ddblocal import ddb_engine  # noqa: F401 - fixture
from harness.round_trips import around_api_calls
from tests.support.notify import sink_messages


@pytest.fixture
def family(client, token):
    with time_machine.travel(NOW, tick=False):
        yield make_family(client, token("coordinator"))


def throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException",
                                  "Message": "slow down"}}, operation)


def conflicted(operation: str) -> ClientError:
    error = ClientError({"Error": {"Code": "TransactionCanceledException",
                                   "Message": "Transaction cancelled"},
                         "CancellationReasons": [{"Code": "TransactionConflict"}]}, operation)
    return error


@contextmanager
def failing(operation: str, make_error, times: int):
    """The next ``times`` calls of ``operation`` (any client) raise ``make_error(op)``."""
    left = {"n": times}

    def call_(send, client, op, params):
        if op == operation and left["n"] > 0:
            left["n"] -= 1
            error = make_error(op)
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise client.exceptions.TransactionCanceledException(error.response, op)
            raise error
        return send(client, op, params)

    with around_api_calls(call_):
        yield left


def appointments(client, family) -> list:
    status, body = call(client, "GET", f"{family.base}/appointments", {})
    assert status == 200, body
    return body["appointments"]


@pytest.mark.parametrize("make_error", [throttled, conflicted])
def test_a_booking_that_keeps_failing_is_a_503_with_retry_after_and_writes_nothing(
        client, family, make_error):
    with time_machine.travel(NOW, tick=False):
        with failing("TransactWriteItems", make_error, times=100):
            response = client.http.post(f"{family.base}/appointments",
                                        headers={"Content-Type": "application/json"},
                                        body=f'{{"start": "{at(TUESDAY, 10)}", "location": "home"}}')
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert appointments(client, family) == []
        assert book(client, family, at(TUESDAY, 10))[0] == 201  # nothing half-held the slot


def test_a_transaction_conflict_that_passes_is_retried_and_books_once(client, family):
    with time_machine.travel(NOW, tick=False):
        with failing("TransactWriteItems", conflicted, times=1) as left:
            status, body = book(client, family, at(TUESDAY, 10))
        assert left["n"] == 0
        assert status == 201, body
        assert [a["id"] for a in appointments(client, family)] == [body["id"]]


@pytest.mark.parametrize("operation", ["BatchGetItem", "GetItem"])
def test_throttled_reads_are_503_not_500(client, family, token, operation):
    coord = token("coordinator")
    with time_machine.travel(NOW, tick=False), failing(operation, throttled, times=100):
        answers = [call(client, "GET", f"{family.base}/slots?from={TUESDAY}&days=14", {})[0],
                   call(client, "GET", f"/cases/{family.case}", coord)[0],
                   call(client, "GET", "/oncall/now", coord)[0]]
    assert 500 not in answers and 503 in answers, answers


@pytest.mark.parametrize("operation", ["Query", "TransactWriteItems"])
def test_a_throttled_sweep_raises_so_it_is_retried_and_a_rerun_sends_nothing_twice(
        client, family, operation):
    # Query: the sweep cannot read what is due; TransactWriteItems: it cannot claim it.
    # Either way it fails and Lambda runs it again.
    with time_machine.travel(NOW, tick=False):
        assert book(client, family, at(TUESDAY, 10))[0] == 201
        with failing(operation, throttled, times=100), pytest.raises(ClientError):
            sweep(client)
        sweep(client)
        sweep(client)
    assert_sent_once(client, family)


def test_a_throttled_record_of_sent_is_retried_in_the_sweep_and_sends_once(client, family):
    with time_machine.travel(NOW, tick=False):
        assert book(client, family, at(TUESDAY, 10))[0] == 201
        with failing("UpdateItem", throttled, times=1) as left:
            sweep(client)  # the one UpdateItem is recording "sent" (record_sent retries it)
        assert left["n"] == 0
        sweep(client)
    assert_sent_once(client, family)


def sweep(client) -> None:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    client.lambda_.invoke("sweep_notifications", event)


def assert_sent_once(client, family):
    with time_machine.travel(NOW, tick=False):
        status, body = call(client, "GET", f"/notifications?case={family.case}", family.coord)
    assert status == 200
    sent = [n for n in body["notifications"] if n["kind"] == "confirmation"]
    assert sent and all(n["status"] == "sent" for n in sent)
    assert len({(n["channel"], n["kind"]) for n in sent}) == len(sent)  # each once
    assert len(sink_messages(os.environ["TAPAAMO_LOCAL_DIR"])) == len(sent)  # what went out


# --- DynamoDB Local paused (SIGSTOP), killed and restarted ---------------------------------
# A short read timeout and two attempts keep the test quick; production's defaults
# (4 s, 3 attempts) follow the same path. BUDGET: attempts × (connect 1 s + read) plus
# botocore's back-off (< 1 s per retry) plus slack for a loaded machine.
READ_TIMEOUT, ATTEMPTS = 1, 2
BUDGET = ATTEMPTS * (1 + READ_TIMEOUT) + ATTEMPTS + 3


@pytest.fixture
def engine(ddb_engine, monkeypatch):
    monkeypatch.setenv("TAPAAMO_DDB_READ_TIMEOUT", str(READ_TIMEOUT))
    monkeypatch.setenv("TAPAAMO_DDB_ATTEMPTS", str(ATTEMPTS))
    return ddb_engine


@pytest.fixture
def local_family(engine):
    from tests.support.client import app_client, staff_headers

    with app_client() as test_client, time_machine.travel(NOW, tick=True):
        coord = staff_headers(os.environ["TAPAAMO_LOCAL_DIR"])
        yield test_client, make_family(test_client, coord, rooms=2)


def timed(request) -> tuple[int, float, dict]:
    started = time.monotonic()
    response = request()
    return response.status_code, time.monotonic() - started, dict(response.headers)


def test_a_paused_database_answers_503_with_retry_after_within_the_timeout(engine,
                                                                          local_family):
    client, family = local_family
    with time_machine.travel(NOW, tick=True):
        engine.pause()
        try:
            booking = timed(lambda: client.http.post(
                f"{family.base}/appointments", headers={"Content-Type": "application/json"},
                body=f'{{"start": "{at(TUESDAY, 10)}", "location": "home"}}'))
            slots = timed(lambda: client.http.get(f"{family.base}/slots?from={TUESDAY}"))
            page = timed(lambda: client.http.get(family.base))
            shallow = timed(lambda: client.http.get("/health"))
            deep = timed(lambda: client.http.get("/health?deep=1"))
        finally:
            engine.resume()
        for status, seconds, headers in (booking, slots, page, deep):
            assert status == 503 and headers.get("Retry-After"), (status, headers)
            assert seconds < BUDGET, seconds
        assert shallow[0] == 200 and shallow[1] < 1
        assert client.http.get("/health?deep=1").status_code == 200
        # What the paused engine received may have been applied on resume: whole or not.
        assert lock_problems([family.case], family.workers, [iso_week_key(NOW)]) == []
        assert book(client, family, at(TUESDAY, 14))[0] in (201, 409, 422)


def test_a_killed_database_answers_503_and_after_a_restart_nothing_is_half_written(
        engine, local_family, monkeypatch):
    client, family = local_family
    starts = [at(TUESDAY.replace(day=d), h) for d in (1, 2, 3, 4) for h in (8, 10, 12, 14)]
    with time_machine.travel(NOW, tick=True):
        with ThreadPoolExecutor(max_workers=16) as pool:
            futures = [pool.submit(book, client, family, start) for start in starts]
            time.sleep(0.05)  # some are in flight, some not yet sent
            engine.stop(kill=True)
            results = [f.result() for f in futures]
        down = timed(lambda: client.http.get(f"{family.base}/slots?from={TUESDAY}"))
        assert down[0] == 503 and down[2].get("Retry-After") and down[1] < BUDGET, down
        statuses = Counter(status for status, _ in results)
        assert set(statuses) <= {201, 409, 422, 503}, results
        engine.start()
        engine.wait_ready(os.environ["TAPAAMO_TABLE"])
        # A JVM just started answers its first reads slowly on a loaded machine.
        monkeypatch.setenv("TAPAAMO_DDB_READ_TIMEOUT", "30")
        bootstrap.wiring()
        assert lock_problems([family.case], family.workers, [iso_week_key(NOW)]) == []
        status, listed = call(client, "GET", f"{family.base}/appointments", {})
        assert status == 200
        told = {body["id"] for status, body in results if status == 201}
        assert told <= {a["id"] for a in listed["appointments"]}  # a 201 was committed
        assert book(client, family, at(TUESDAY.replace(day=7), 10))[0] == 201
        assert lock_problems([family.case], family.workers, [iso_week_key(NOW)]) == []
