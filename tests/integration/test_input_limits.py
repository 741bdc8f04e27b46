"""Hostile input is refused at the edge with a 4xx naming the field, never a 5xx: dates
outside 2000–2099, shift and reminder hours out of range, control characters in names,
and JSON nested 10,000 deep on every JSON route."""

from __future__ import annotations

import pytest

from harness.api import call, case_payload, make_worker
from harness.booking import clock, coord, family  # noqa: F401 - fixtures

JSON = {"Content-Type": "application/json"}
DEEP = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000


@pytest.mark.parametrize("overrides, field", [
    ({"start_date": "9999-12-31"}, "start_date"),
    ({"start_date": "0001-01-01"}, "start_date"),
    ({"start_date": "1999-12-31"}, "start_date"),
    ({"start_date": "2027-11-22"}, "start_date"),  # more than a year after 2026-11-20
    ({"reminders": [1e-9]}, "reminders"),
    ({"reminders": [0.24]}, "reminders"),
    ({"reminders": [336.01]}, "reminders"),
    ({"reminders": [1e308]}, "reminders"),
    ({"worker_reminders": [0]}, "worker_reminders"),
    ({"reminders": ["NaN"]}, "reminders"),
    ({"locations": ["home\u0000"]}, "locations"),
])
def test_case_values_out_of_range_are_422_naming_the_field(client, coord, overrides, field):
    payload = case_payload([make_worker(client, coord)], **overrides)
    status, error = call(client, "POST", "/cases", coord, payload)
    assert status == 422, error
    assert error["error"]["field"].split(".")[0] == field, error
    status, _ = call(client, "GET", "/cases/none", coord)
    assert status == 404


def test_the_edges_of_the_ranges_are_accepted(client, coord):
    payload = case_payload([make_worker(client, coord)], start_date="2027-11-20",
                           reminders=[0.25, 336], worker_reminders=[0.25])
    status, created = call(client, "POST", "/cases", coord, payload)
    assert status == 201, created
    assert created["reminders"] == [336, 0.25]


@pytest.mark.parametrize("name", ["Anna\u0000", "Anna\r\nX-Injected: 1", "Anna\nVirtanen",
                                  "\u0007Bell", "A" * 201])
@pytest.mark.parametrize("route", ["office", "worker"])
def test_names_with_control_characters_or_too_long_are_422(client, coord, route, name):
    if route == "office":
        status, error = call(client, "PUT", "/offices/o-bad", coord,
                             {"name": name, "address": "Toinen linja 4", "rooms": 1})
    else:
        status, error = call(client, "PUT", "/workers/w-bad", coord, {"name": name})
    assert status == 422 and error["error"]["field"] == "name", error


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01",
                                   "2026-02-30", "20261201", "+2026-12-01"])
def test_extreme_from_dates_on_slots_and_worker_appointments_are_400(client, family, value):
    status, error = call(client, "GET", f"{family.base}/slots?from={value}&days=7", {})
    assert status == 400 and error["error"]["field"] == "from", error
    worker = family.workers[0]
    for query in (f"from={value}", f"from=2026-12-01&to={value}"):
        status, error = call(client, "GET", f"/workers/{worker}/appointments?{query}",
                             family.coord)
        assert status == 400 and error["error"]["field"] in ("from", "to"), error


@pytest.mark.parametrize("hours", [0, 169, 1_000_000_000, -1, 1.5, "24"])
def test_shift_hours_outside_1_to_168_are_400(client, coord, hours):
    status, error = call(client, "POST", "/oncall/rotations", coord,
                         {"id": "r1", "level": "primary", "workers": ["w1"],
                          "start": "2026-12-01T08:00:00+02:00", "shift_hours": hours})
    assert status == 400 and error["error"]["field"] == "shift_hours", error


def test_a_week_long_shift_is_accepted(client, coord):
    worker = make_worker(client, coord)
    status, body = call(client, "POST", "/oncall/rotations", coord,
                        {"id": "r1", "level": "primary", "workers": [worker],
                         "start": "2026-12-01T08:00:00+02:00", "shift_hours": 168})
    assert status in (200, 201), body


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00",
                                   "1999-12-31T23:59:59+00:00", "2100-01-01T00:00:00+00:00"])
def test_a_group_starting_outside_this_century_is_422_naming_start(client, family, start):
    status, error = call(client, "POST", "/groups", family.coord, {
        "service": "perhetyo", "office": family.office, "workers": family.workers[:1],
        "start": start, "sessions": 1, "seats": 1})
    assert status == 422 and error["error"]["field"] == "start", error


def json_routes() -> list[tuple[str, str]]:
    """Every route that may read a JSON body (POST/PUT/PATCH; not the HTML forms)."""
    from app import app

    routes = []
    for path, entry in app.routes.items():
        for method in entry:
            if method in ("POST", "PUT", "PATCH") and "/page/" not in path:
                routes.append((method, path))
    return sorted(routes)


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
def test_json_nested_10000_deep_is_400_on_every_json_route(client, family, body):
    fill = {"token": family.token, "case_id": family.case, "worker_id": family.workers[0],
            "office_id": family.office, "appointment_id": "a1", "review_id": "plan.1",
            "service": "perhetyo", "escalation_id": "e1", "id": "x", "group_id": "g1",
            "rotation_id": "r1", "override_id": "o1", "swap_id": "s1", "session_id": "s1"}
    answers = {}
    for method, path in json_routes():
        concrete = path.format(**fill)
        response = getattr(client.http, method.lower())(
            concrete, headers={**family.coord}, body=body)
        answers[(method, path)] = response.status_code
    assert answers and not [r for r, s in answers.items() if s >= 500], answers
    # The two that need no sign-in and read the body first (they were the 500s).
    assert answers[("POST", "/book/{token}/appointments")] == 400
    assert answers[("POST", "/book/{token}/help")] == 400
    assert answers[("POST", "/cases")] == answers[("PATCH", "/cases/{case_id}")] == 400
