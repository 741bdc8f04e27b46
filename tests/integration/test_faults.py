"""DynamoDB faults injected under the API: throttling and transaction conflicts are
retried or answered 503 with Retry-After, never 500, never a half-written booking.

(SNS/SES outages leaving the outbox queued and retried: tests/integration/test_delivery.py.)
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import time_machine
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from tests.support.api import call
from tests.support.booking import NOW, TUESDAY, at, book, make_family


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
    real = BaseClient._make_api_call
    left = {"n": times}

    def call_(self, op, params):
        if op == operation and left["n"] > 0:
            left["n"] -= 1
            error = make_error(op)
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise self.exceptions.TransactionCanceledException(error.response, op)
            raise error
        return real(self, op, params)

    BaseClient._make_api_call = call_
    try:
        yield left
    finally:
        BaseClient._make_api_call = real


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


def test_a_throttled_sweep_raises_so_it_is_retried_and_a_rerun_sends_nothing_twice(
        client, family):
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    with time_machine.travel(NOW, tick=False):
        assert book(client, family, at(TUESDAY, 10))[0] == 201
        with failing("UpdateItem", throttled, times=1), pytest.raises(Exception):
            client.lambda_.invoke("sweep_notifications", event)
        client.lambda_.invoke("sweep_notifications", event)
        client.lambda_.invoke("sweep_notifications", event)
        status, body = call(client, "GET", f"/notifications?case={family.case}",
                            family.coord)
    assert status == 200
    sent = [n for n in body["notifications"] if n["kind"] == "confirmation"]
    assert sent and all(n["status"] == "sent" for n in sent)
    assert len({(n["channel"], n["kind"]) for n in sent}) == len(sent)  # each once
