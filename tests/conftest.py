"""Shared fixtures: moto for AWS in-process, the Chalice test client, staff tokens."""

from __future__ import annotations

import functools
import uuid

import boto3
import pytest
from hypothesis import settings

from tests.support.client import app_client, staff_headers

pytest_plugins = ["tests.support.stack"]

# Property tests check answers, not speed (bench/ measures that): hypothesis's 200 ms
# deadline per example fails them on a loaded two-core machine.
settings.register_profile("tapaamo", deadline=None)
settings.load_profile("tapaamo")


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """An isolated, in-process AWS (moto) with the Tapaamo table created."""
    from moto import mock_aws

    from chalicelib.store.table import create_table, reset_connections
    from chalicelib.store.tx import on_outbox_commit

    table = f"tapaamo-{uuid.uuid4().hex[:8]}"
    env = {
        "TAPAAMO_STAGE": "local",
        "TAPAAMO_TABLE": table,
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TAPAAMO_LOCAL_DIR": str(tmp_path / "local"),
        "TAPAAMO_PUBLIC_URL": "http://tapaamo.test",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TAPAAMO_DDB_ENDPOINT", raising=False)
    with mock_aws():
        reset_connections()
        create_table(boto3.client("dynamodb", region_name="eu-north-1"), table)
        yield env
        reset_connections()
        on_outbox_commit(None)  # bootstrap pointed wake-ups at this test's local dir


@pytest.fixture
def client(aws):
    with app_client() as test_client:
        yield test_client


@pytest.fixture
def token(aws):
    """``token(role, worker=None)`` → an ``Authorization`` header dict."""
    return functools.partial(staff_headers, aws["TAPAAMO_LOCAL_DIR"])
