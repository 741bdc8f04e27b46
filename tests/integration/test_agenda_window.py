"""The agenda repository reads a feed's window and nothing else, on moto and in memory:
no history before it, nothing past it, no cancellation older than the feed keeps, and of
each item only what a feed shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.domain import feeds
from chalicelib.domain.appointment import Appointment
from chalicelib.store.agenda import DynamoAgenda, InMemoryAgenda
from chalicelib.store.appointments import agenda_item
from chalicelib.store.tx import to_dynamo

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
WORKER = "w-window"


def appointment(name: str, start: datetime, status="booked", changed=NOW) -> Appointment:
    return Appointment(name, "k3f9a1b2", (WORKER,), start, start + timedelta(minutes=90),
                       "home", "home:k3f9a1b2", "meeting", 90, status,
                       int(status == "cancelled"), NOW - timedelta(days=90), changed, "staff",
                       (1, 2, 3))


SHOWN = {
    "tomorrow": appointment("tomorrow", NOW + timedelta(days=1)),
    "last week": appointment("last week", NOW - timedelta(days=7)),
    "cancelled yesterday": appointment("cancelled yesterday", NOW + timedelta(days=3),
                                       "cancelled", NOW - timedelta(days=1)),
    "in 399 days": appointment("in 399 days", NOW + timedelta(days=399)),
}
NOT_READ = {
    "history": appointment("history", NOW - timedelta(days=45)),
    "in 401 days": appointment("in 401 days", NOW + timedelta(days=401)),
    "cancelled long ago": appointment("cancelled long ago", NOW + timedelta(days=5),
                                      "cancelled", NOW - timedelta(days=31)),
}


@pytest.fixture(params=["dynamo", "memory"])
def agenda(request, aws):
    everything = [*SHOWN.values(), *NOT_READ.values()]
    if request.param == "memory":
        repo = InMemoryAgenda()
        for a in everything:
            repo.add(WORKER, feeds.entry_of(a))
        return repo
    bootstrap.wiring()  # points the store at this test's table
    boto3.client("dynamodb", region_name="eu-north-1").batch_write_item(RequestItems={
        aws["TAPAAMO_TABLE"]: [{"PutRequest": {"Item": {
            k: to_dynamo(v) for k, v in {**agenda_item(WORKER, a), "extra": "x" * 300}.items()}}}
            for a in everything]})
    return DynamoAgenda()


def test_only_the_window_is_read(agenda):
    read = agenda.worker_agenda(WORKER, feeds.window_start(NOW), feeds.window_end(NOW),
                                feeds.cancelled_until(NOW))
    assert {e.id for e in read.entries} == set(SHOWN)
    assert [e.start for e in read.entries] == sorted(e.start for e in read.entries)
    assert {e.id: e for e in read.entries} == {k: feeds.entry_of(a) for k, a in SHOWN.items()}


def test_without_bounds_every_entry_from_the_start_is_read(agenda):
    read = agenda.worker_agenda(WORKER, feeds.window_start(NOW))
    assert {e.id for e in read.entries} == set(SHOWN) | {"in 401 days", "cancelled long ago"}


def test_the_query_asks_only_for_what_a_feed_shows(aws, monkeypatch):
    from botocore.client import BaseClient

    bootstrap.wiring()
    asked, real = [], BaseClient._make_api_call

    def spy(client, operation, params):
        asked.append((operation, params))
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    DynamoAgenda().worker_agenda(WORKER, feeds.window_start(NOW))
    assert [operation for operation, _ in asked] == ["Query"]
    projected = set(asked[0][1]["ExpressionAttributeNames"].values())
    assert "pk" not in projected and "extra" not in projected
    assert {"start", "end", "status", "sequence", "updated_at", "token_hash"} <= projected
