"""The sign-out deny-list: one suite for the DynamoDB store (moto) and its in-memory twin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.store.staff_sessions import DynamoSessions, MemorySessions, session_key
from tests.support.twins import BACKENDS, twin

UNTIL = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def sessions(request):
    return twin(request, MemorySessions, DynamoSessions)


def test_a_session_is_live_until_it_is_ended(sessions):
    assert not sessions.is_ended("sid-1")
    sessions.end("sid-1", UNTIL)
    assert sessions.is_ended("sid-1") and not sessions.is_ended("sid-2")


def test_ending_twice_is_harmless(sessions):
    sessions.end("sid-1", UNTIL)
    sessions.end("sid-1", UNTIL + timedelta(hours=1))
    assert sessions.is_ended("sid-1")


def test_the_table_keeps_only_a_hash_of_the_session_id_until_the_session_could_end(aws):
    import boto3

    from chalicelib import bootstrap

    bootstrap.wiring()  # points the store at this test's table
    DynamoSessions().end("sid-secret", UNTIL)
    pk, sk = session_key("sid-secret")
    item = boto3.client("dynamodb").get_item(
        TableName=aws["TAPAAMO_TABLE"], Key={"pk": {"S": pk}, "sk": {"S": sk}})["Item"]
    assert "sid-secret" not in str(item) and int(item["expires"]["N"]) > UNTIL.timestamp()
