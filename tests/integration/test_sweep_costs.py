"""What a sweep costs follows the due work, not the calendar (issue 22): DynamoDB round
trips of the notifications, reminders, review and escalation sweeps on moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.domain.notification import Notification
from chalicelib.notify.delivery import deliver_due
from chalicelib.notify.providers import LocalSink
from chalicelib.store import timers
from chalicelib.store.deliveries import DynamoDeliveries
from chalicelib.store.escalations import DynamoEscalations
from chalicelib.store.reviews import DynamoReviews
from harness.round_trips import dynamodb_requests

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def wired(aws):
    bootstrap.wiring()  # points the store at this test's table


def queue(store, count, at=NOW):
    for n in range(count):
        store.add(Notification("confirmation", "sms", "+358401234567", f"cost:{n}",
                               case_id=f"k{n}", params={"start": "2026-12-02T07:00:00+00:00",
                                                        "location": "home", "link": "x"}), at)


def test_a_notifications_sweep_with_nothing_due_is_one_query(aws, tmp_path):
    store = DynamoDeliveries()
    queue(store, 3, at=NOW + timedelta(days=3))  # pending, not due
    with dynamodb_requests() as requests:
        assert sum(deliver_due(store, LocalSink(tmp_path), NOW, {}).values()) == 0
    assert requests == ["Query"]


def test_a_notifications_sweep_costs_at_most_one_and_a_half_round_trips_per_due_message(
        aws, tmp_path):
    store = DynamoDeliveries()
    queue(store, 40)
    with dynamodb_requests() as requests:
        outcomes = deliver_due(store, LocalSink(tmp_path), NOW, {})
    assert outcomes["sent"] == 40
    assert requests.count("Query") == 1 and requests.count("TransactWriteItems") == 1
    assert len(requests) / 40 <= 1.5


def test_the_other_sweeps_with_nothing_due_are_one_query_each(aws):
    with dynamodb_requests() as requests:
        assert DynamoEscalations().due(NOW) == []
        assert DynamoReviews().due_records(NOW) == []
        assert DynamoReviews().due_jobs(NOW) == []
    assert requests == ["Query"] * 3


def test_reshard_moves_timers_written_in_the_old_per_day_partitions(aws):
    store = DynamoDeliveries()
    queue(store, 2)
    ddb = boto3.client("dynamodb", region_name="eu-north-1")
    table = aws["TAPAAMO_TABLE"]
    for item in ddb.scan(TableName=table)["Items"]:  # a test may look at the whole table
        ddb.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                        UpdateExpression="SET due_shard = :old",
                        ExpressionAttributeValues={":old": {"S": "outbox#2026-12-01"}})
    assert store.find_due(NOW) == []
    assert timers.reshard(("outbox",), NOW, days=3) == 2
    assert len(store.find_due(NOW)) == 2
    assert timers.reshard(("outbox",), NOW, days=3) == 0
