"""The directory API through chalice.test.Client on moto."""

import pytest

from harness.api import call, case_payload, make_case, make_office, make_worker


@pytest.fixture
def coord(token):
    return token("coordinator")


def test_health_answers_without_a_token(client):
    assert call(client, "GET", "/health", {})[0] == 200


def test_a_coordinator_puts_and_lists_offices(client, coord):
    make_office(client, coord, "kallio", rooms=3)
    make_office(client, coord, "malmi", rooms=2, name="Malmi")
    status, body = call(client, "GET", "/offices", coord)
    assert status == 200
    assert [(o["id"], o["rooms"]) for o in body["offices"]] == [("kallio", 3), ("malmi", 2)]


def test_putting_an_office_again_replaces_it(client, coord):
    make_office(client, coord, "kallio", rooms=3)
    make_office(client, coord, "kallio", rooms=5)
    assert call(client, "GET", "/offices", coord)[1]["offices"][0]["rooms"] == 5


@pytest.mark.parametrize("body, field", [
    ({"name": "K", "address": "A", "rooms": 0}, "rooms"),
    ({"name": "", "address": "A", "rooms": 1}, "name"),
    ({"name": "K", "address": "A", "rooms": "many"}, "rooms"),
    ({"name": "K", "address": "A", "rooms": 1, "colour": "red"}, "colour"),
])
def test_invalid_office_values_are_422_naming_the_field(client, coord, body, field):
    status, error = call(client, "PUT", "/offices/kallio", coord, body)
    assert status == 422
    assert error["error"]["field"] == field


def test_malformed_json_is_400(client, coord):
    status, error = call(client, "PUT", "/offices/kallio", coord, "{not json")
    assert status == 400 and error["error"]["code"] == "malformed_json"
    status, error = call(client, "PUT", "/offices/kallio", coord, "[1, 2]")
    assert status == 400


def test_a_bad_office_id_is_422(client, coord):
    status, error = call(client, "PUT", "/offices/Bad%20Id", coord,
                         {"name": "K", "address": "A", "rooms": 1})
    assert status == 422 and error["error"]["field"] == "id"


def test_worker_phone_is_stored_as_e164(client, coord):
    office = make_office(client, coord)
    worker = make_worker(client, coord, office=office, phone="040 123 4567")
    status, body = call(client, "GET", f"/workers/{worker}", coord)
    assert status == 200
    assert body["phone"] == "+358401234567" and body["office"] == office


def test_worker_phone_in_international_form_is_accepted(client, coord):
    worker = make_worker(client, coord, phone="+46 70 123 45 67")
    assert call(client, "GET", f"/workers/{worker}", coord)[1]["phone"] == "+46701234567"


@pytest.mark.parametrize("payload, field", [
    ({"name": "W", "phone": "12"}, "phone"),
    ({"name": "W", "email": "not-an-address"}, "email"),
    ({"name": "W", "office": "nowhere"}, "office"),
    ({"name": "W", "roles": ["boss"]}, "roles.0"),
])
def test_invalid_worker_values_are_422(client, coord, payload, field):
    status, error = call(client, "PUT", "/workers/w1", coord, payload)
    assert status == 422, error
    assert error["error"]["field"] == field


def test_unknown_worker_is_404(client, coord):
    assert call(client, "GET", "/workers/nobody", coord)[0] == 404


def test_a_case_is_created_read_and_patched(client, coord):
    office = make_office(client, coord)
    a, b = make_worker(client, coord), make_worker(client, coord)
    case = make_case(client, coord, [a, b], locations=["home", office])
    assert case["contact"]["phone"] == "+358401234567"
    assert case["reminders"] == [24.0]
    status, read = call(client, "GET", f"/cases/{case['id']}", coord)
    assert status == 200 and read["workers"] == [a, b]
    status, patched = call(client, "PATCH", f"/cases/{case['id']}", coord,
                           {"meetings_per_week": 3, "contact": {"language": "sv"}})
    assert status == 200
    assert patched["meetings_per_week"] == 3
    assert patched["contact"] == {"phone": "+358401234567", "email": "family@example.org",
                                  "language": "sv", "channels": None}


@pytest.mark.parametrize("overrides, field", [
    ({"workers": []}, "workers"),
    ({"workers": ["x", "y", "z"]}, "workers"),
    ({"meeting_minutes": 59}, "meeting_minutes"),
    ({"meeting_minutes": 181}, "meeting_minutes"),
    ({"meetings_per_week": 0}, "meetings_per_week"),
    ({"meetings_per_week": 4}, "meetings_per_week"),
    ({"service": "babysitting"}, "service"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"locations": ["moon"]}, "locations"),
    ({"contact": {"language": "de"}}, "contact.language"),
    ({"contact": {"phone": "abc"}}, "contact.phone"),
    ({"reminders": [-1]}, "reminders"),
])
def test_invalid_case_values_are_422_naming_the_field(client, coord, overrides, field):
    payload = {**case_payload([make_worker(client, coord)]), **overrides}
    status, error = call(client, "POST", "/cases", coord, payload)
    assert status == 422, error
    assert error["error"]["field"] == field


def test_a_case_needs_distinct_existing_workers(client, coord):
    worker = make_worker(client, coord)
    status, error = call(client, "POST", "/cases", coord, case_payload([worker, worker]))
    assert status == 422 and error["error"]["field"] == "workers"
    status, error = call(client, "POST", "/cases", coord, case_payload([worker, "ghost"]))
    assert status == 422 and error["error"]["code"] == "unknown_worker"


def test_a_one_worker_case_is_fine(client, coord):
    worker = make_worker(client, coord)
    assert make_case(client, coord, [worker], service="tukihenkilotoiminta")["workers"] == [worker]


def test_patch_validates_like_create(client, coord):
    case = make_case(client, coord, [make_worker(client, coord)])
    status, error = call(client, "PATCH", f"/cases/{case['id']}", coord, {"meeting_minutes": 10})
    assert status == 422 and error["error"]["field"] == "meeting_minutes"
    status, error = call(client, "PATCH", f"/cases/{case['id']}", coord, {"contact": "x"})
    assert status == 422


def test_unknown_case_is_404(client, coord):
    assert call(client, "GET", "/cases/knope", coord)[0] == 404
    assert call(client, "PATCH", "/cases/knope", coord, {"meetings_per_week": 1})[0] == 404


def test_every_read_and_change_of_a_case_is_audited(client, coord, token):
    worker = make_worker(client, coord)
    case = make_case(client, coord, [worker])
    call(client, "GET", f"/cases/{case['id']}", token("worker", worker))
    call(client, "PATCH", f"/cases/{case['id']}", coord, {"meetings_per_week": 1})
    status, audit = call(client, "GET", f"/cases/{case['id']}/audit", coord)
    assert status == 200
    actions = [(e["actor"], e["action"]) for e in audit["entries"]]
    assert actions[:3] == [("coordinator:local-coordinator", "case.create"),
                           (f"worker:{worker}", "case.read"),
                           ("coordinator:local-coordinator", "case.update")]
    assert all(e["at"].endswith(("+02:00", "+03:00")) for e in audit["entries"])


def test_a_worker_sees_their_own_case_but_not_another(client, coord, token):
    mine, other = make_worker(client, coord), make_worker(client, coord)
    case = make_case(client, coord, [other])
    assert call(client, "GET", f"/cases/{case['id']}", token("worker", other))[0] == 200
    assert call(client, "GET", f"/cases/{case['id']}", token("worker", mine))[0] == 404


def test_workers_cannot_manage_the_directory(client, coord, token):
    worker_headers = token("worker", "w1")
    assert call(client, "PUT", "/offices/x", worker_headers,
                {"name": "K", "address": "A", "rooms": 1})[0] == 403
    assert call(client, "POST", "/cases", worker_headers, case_payload(["w1"]))[0] == 403
    assert call(client, "GET", "/workers/w2", worker_headers)[0] == 403


@pytest.mark.parametrize("field, hours", [
    ("worker_reminders", [5.0, 1.3971253263927616e-146]),  # `make test`'s stateful fuzz: 500
    ("reminders", [1e-200]), ("reminders", [0.01]), ("reminders", [336.5])])
def test_reminders_under_a_minute_or_over_two_weeks_are_422_not_500(client, coord, field, hours):
    worker = make_worker(client, coord)
    status, error = call(client, "POST", "/cases", coord,
                         case_payload([worker], **{field: hours}))
    assert (status, error["error"]["field"]) == (422, field), error


def test_the_shortest_reminder_and_one_of_many_decimals_are_kept(client, coord):
    worker = make_worker(client, coord)
    case = make_case(client, coord, [worker], reminders=[0.25, 33.6588])
    assert case["reminders"] == [33.6588, 0.25]
