"""Workers' reminders (``worker_reminders``) through the public API on moto, pinned time.

Bookings go through the family's link, sweeps through the scheduled function, and what was
sent is read from the local stage's sink (``<local dir>/notifications.log``).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_reviews_api import run_job
from harness.api import call, case_payload, make_worker
from harness.booking import NOW, TUESDAY, at, book, make_family
from tests.support.notify import sink_messages
from harness.round_trips import dynamodb_requests

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def coord(client, token):
    """A coordinator's token, and the clock pinned at NOW for the test (sweeps travel on)."""
    with time_machine.travel(NOW, tick=False):
        yield token("coordinator")


PHONES = ("+358401000001", "+358401000002")


def family_with(client, coord, worker_reminders, workers=None, **case):
    workers = workers or [make_worker(client, coord, phone=p) for p in PHONES]
    return make_family(client, coord, workers=workers, worker_reminders=worker_reminders,
                       **case)


def sweep(client, when):
    with time_machine.travel(when, tick=False):
        return run_job(client, "sweep_notifications")


def sent(aws) -> list[dict]:
    return sink_messages(aws["TAPAAMO_LOCAL_DIR"])


def to_workers(aws, family) -> list[tuple[str, str]]:
    workers = {f"{w}@example.org" for w in family.workers} | set(PHONES)
    return [(m["to"], m["body"]) for m in sent(aws) if m["to"] in workers]


def booked(client, family, start, location="home") -> str:
    status, body = book(client, family, start, location)
    assert status == 201, body
    return body["id"]


def test_a_case_has_no_worker_reminders_unless_set_and_they_round_trip(client, coord):
    worker = make_worker(client, coord)
    status, case = call(client, "POST", "/cases", coord, case_payload([worker]))
    assert status == 201 and case["worker_reminders"] == []
    status, case = call(client, "PATCH", f"/cases/{case['id']}", coord,
                        {"worker_reminders": [2, 24.5, 2]})
    assert status == 200 and case["worker_reminders"] == [24.5, 2.0]
    status, read = call(client, "GET", f"/cases/{case['id']}", coord)
    assert (read["worker_reminders"], read["reminders"]) == ([24.5, 2.0], [24.0])


@pytest.mark.parametrize("hours", [[0], [-1], [337], ["soon"], [1, 2, 3, 4, 5, 6]])
def test_worker_reminders_are_validated_like_reminders(client, coord, hours):
    payload = case_payload([make_worker(client, coord)], worker_reminders=hours)
    status, error = call(client, "POST", "/cases", coord, payload)
    assert status == 422, error
    assert error["error"]["field"].startswith("worker_reminders")


def test_each_worker_is_reminded_once_in_finnish_with_the_case_code(client, coord, aws):
    family = family_with(client, coord, [2])
    booked(client, family, at(TUESDAY, 10))
    sweep(client, at_local(TUESDAY, 7, 59))
    assert to_workers(aws, family) == []
    for minute in (0, 1, 5):
        sweep(client, at_local(TUESDAY, 8, minute))
    text = f"Muistutus: asiakkuus {family.case}, tapaaminen ti 1.12. klo 10.00, kotona."
    assert sorted(to_workers(aws, family)) == [(PHONES[0], text), (PHONES[1], text)]
    status, listing = call(client, "GET", f"/notifications?case={family.case}", coord)
    assert sorted((n["recipient"], n["status"]) for n in listing["notifications"]
                  if n["kind"] == "worker-reminder") == [(p, "sent") for p in PHONES]


def test_a_worker_without_a_phone_is_reminded_by_email(client, coord, aws):
    email_only = make_worker(client, coord, phone=None)
    family = family_with(client, coord, [2], workers=[email_only],
                         service="tukihenkilotoiminta")
    booked(client, family, at(TUESDAY, 10))
    sweep(client, at_local(TUESDAY, 8))
    assert [(m["channel"], m["to"], m["subject"]) for m in sent(aws)
            if m["to"] == f"{email_only}@example.org"] == [
        ("email", f"{email_only}@example.org", "Muistutus tapaamisesta")]


def test_workers_reminders_are_not_held_by_the_familys_quiet_hours(client, coord, aws):
    family = family_with(client, coord, [12])
    booked(client, family, at(TUESDAY, 9))
    sweep(client, at_local(TUESDAY - timedelta(days=1), 21))
    assert sorted(to for to, _ in to_workers(aws, family)) == list(PHONES)


def test_a_cancelled_appointment_reminds_no_worker(client, coord, aws):
    family = family_with(client, coord, [2])
    appointment = booked(client, family, at(TUESDAY, 10))
    status, _ = call(client, "POST", f"{family.base}/appointments/{appointment}/cancel", {})
    assert status == 200
    for minute in (0, 30):
        sweep(client, at_local(TUESDAY, 8, minute))
    assert to_workers(aws, family) == []


def test_a_moved_appointment_reminds_workers_of_the_new_time_only(client, coord, aws):
    family = family_with(client, coord, [2])
    appointment = booked(client, family, at(TUESDAY, 10))
    status, _ = call(client, "POST", f"{family.base}/appointments/{appointment}/move", JSON,
                     {"start": at(TUESDAY, 14), "location": "home"})
    assert status == 200
    for hour in (8, 9, 12):
        sweep(client, at_local(TUESDAY, hour))
    assert {body for _, body in to_workers(aws, family)} == {
        f"Muistutus: asiakkuus {family.case}, tapaaminen ti 1.12. klo 14.00, kotona."}


def test_a_change_to_worker_reminders_applies_to_appointments_booked_after_it(
        client, coord, aws):
    family = family_with(client, coord, [])
    booked(client, family, at(TUESDAY, 10))
    status, _ = call(client, "PATCH", f"/cases/{family.case}", coord, {"worker_reminders": [1]})
    assert status == 200
    booked(client, family, at(TUESDAY + timedelta(days=1), 10))
    sweep(client, at_local(TUESDAY, 9))
    sweep(client, at_local(TUESDAY + timedelta(days=1), 9))
    assert [body for _, body in to_workers(aws, family)] == [
        f"Muistutus: asiakkuus {family.case}, tapaaminen ke 2.12. klo 10.00, kotona."] * 2


def test_booking_and_moving_with_worker_reminders_stay_at_two_round_trips(client, coord):
    family = family_with(client, coord, [2, 24])
    with dynamodb_requests() as calls:
        status, body = book(client, family, at(TUESDAY, 10))
    assert status == 201
    assert Counter(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls
    with dynamodb_requests() as calls:
        status, _ = call(client, "POST", f"{family.base}/appointments/{body['id']}/move",
                         JSON, {"start": at(TUESDAY, 12), "location": "home"})
    assert status == 200
    assert Counter(calls) == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls
