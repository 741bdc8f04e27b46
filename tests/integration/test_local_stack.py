"""The real local stack (DynamoDB Local + chalice local + pump) answers over HTTP and keeps its data."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from chalicelib.local.settings import port_is_free
from tests.support.stack import RunningStack, start_local_stack

pytestmark = pytest.mark.localstack

DEMO_OFFICES = {"Kallio", "Itäkeskus", "Vuosaari", "Malmi", "Maunula", "Lassila"}


def call(stack: RunningStack, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """One HTTP request to the stack as a coordinator; returns status and JSON body."""
    request = urllib.request.Request(
        f"{stack.base_url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {stack.token('coordinator')}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def office_names(stack: RunningStack) -> set[str]:
    status, body = call(stack, "GET", "/offices")
    assert status == 200, body
    return {office["name"] for office in body["offices"]}


def add_office(stack: RunningStack) -> str:
    office_id = f"test-{uuid.uuid4().hex[:8]}"
    status, body = call(stack, "PUT", f"/offices/{office_id}", {"name": office_id, "address": "Testikatu 1", "rooms": 1})
    assert status in (200, 201), body
    return office_id


def test_health_answers_200_without_a_token(local_stack):
    with urllib.request.urlopen(f"{local_stack.base_url}/health", timeout=10) as response:
        assert response.status == 200


def test_a_coordinator_sees_the_six_demo_offices(local_stack):
    assert DEMO_OFFICES <= office_names(local_stack)


def test_offices_without_a_token_are_refused(local_stack):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{local_stack.base_url}/offices", timeout=10)
    assert refused.value.code == 401


def test_data_survives_a_restart_and_stopping_leaves_no_port_open(tmp_path):
    with start_local_stack(tmp_path) as first:
        office_id = add_office(first)
        port, engine = first.settings.port, first.environment["TAPAAMO_DDB_ENDPOINT"]
    engine_port = int(engine.rsplit(":", 1)[1])
    assert port_is_free(port) and port_is_free(engine_port)
    assert first.process.returncode == 0

    with start_local_stack(tmp_path, port=port) as second:
        assert office_id in office_names(second)
        assert DEMO_OFFICES <= office_names(second)


def test_two_stacks_on_different_ports_share_neither_engine_nor_data(local_stack):
    with start_local_stack(local_stack.settings.local_root) as other:
        assert other.settings.stack_dir != local_stack.settings.stack_dir
        assert other.environment["TAPAAMO_DDB_ENDPOINT"] != local_stack.environment["TAPAAMO_DDB_ENDPOINT"]
        only_there = add_office(other)

        assert only_there in office_names(other)
        assert only_there not in office_names(local_stack)
