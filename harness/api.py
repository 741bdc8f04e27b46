"""Helpers that build a directory through the public HTTP API (chalice.test.Client)."""

from __future__ import annotations

import json
import uuid


def call(client, method: str, path: str, headers: dict, body=None):
    """One request; returns (status, parsed JSON or raw text)."""
    kwargs = {"headers": headers}
    if body is not None:
        kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = getattr(client.http, method.lower())(path, **kwargs)
    try:
        data = json.loads(response.body) if response.body else None
    except ValueError:
        data = response.body.decode()
    return response.status_code, data


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def make_office(client, headers, office_id=None, rooms=2, name="Kallio"):
    office_id = office_id or unique("o")
    status, body = call(client, "PUT", f"/offices/{office_id}", headers,
                        {"name": name, "address": "Toinen linja 4, Helsinki", "rooms": rooms})
    assert status == 200, body
    return office_id


def make_worker(client, headers, worker_id=None, office=None, phone="040 100 0001"):
    worker_id = worker_id or unique("w")
    payload = {"name": "Test Worker", "email": f"{worker_id}@example.org", "phone": phone}
    if office:
        payload["office"] = office
    status, body = call(client, "PUT", f"/workers/{worker_id}", headers, payload)
    assert status in (200, 201), body  # 201 when new (tests/integration/test_staff_lists.py)
    return worker_id


def case_payload(workers, locations=("home",), **overrides) -> dict:
    payload = {
        "service": "tehostettu-perhetyo",
        "workers": list(workers),
        "start_date": "2026-11-02",
        "meeting_minutes": 90,
        "meetings_per_week": 2,
        "locations": list(locations),
        "contact": {"phone": "040 123 4567", "email": "family@example.org", "language": "fi"},
    }
    payload.update(overrides)
    return payload


def make_case(client, headers, workers, locations=("home",), **overrides) -> dict:
    status, body = call(client, "POST", "/cases", headers,
                        case_payload(workers, locations, **overrides))
    assert status == 201, body
    return body
