"""Decimal reminder hours through every route of a case (issue: ``Float types are not
supported``): numbers come back from the store as ints or Decimals, never floats."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.api import call
from harness.booking import (TUESDAY, at, book, clock, coord,  # noqa: F401 - fixtures
                                   make_family)

JSON = {"Content-Type": "application/json"}
REPRODUCTIONS = [
    {"reminders": [33.6588]},
    {"reminders": [1.5]},
    {"worker_reminders": [1.5]},
    {"reminders": [0.25, 1.5, 33.6588], "worker_reminders": [2.75, 336]},
]


@pytest.mark.parametrize("hours", REPRODUCTIONS, ids=lambda h: str(h))
def test_every_family_route_of_a_case_with_decimal_hours_answers(client, coord, hours):
    family = make_family(client, coord, **hours)
    assert client.http.get(family.base).status_code == 200
    status, slots = call(client, "GET", f"{family.base}/slots?from={TUESDAY}&days=1", {})
    assert status == 200 and slots["slots"], slots
    status, booked = book(client, family, at(TUESDAY, 10))
    assert status == 201, booked
    status, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert status == 200 and [a["id"] for a in listed["appointments"]] == [booked["id"]]
    feed = client.http.get(f"{family.base}/calendar.ics")
    assert feed.status_code == 200 and booked["id"].encode() in feed.body
    status, help_asked = call(client, "POST", f"{family.base}/help", JSON, {"message": "apua"})
    assert status == 201, help_asked
    status, cancelled = call(client, "POST",
                             f"{family.base}/appointments/{booked['id']}/cancel", JSON, {})
    assert status == 200, cancelled


@pytest.mark.parametrize("hours", REPRODUCTIONS, ids=lambda h: str(h))
def test_staff_book_for_a_case_with_decimal_hours_and_read_the_hours_back(client, coord,
                                                                          hours):
    family = make_family(client, coord, **hours)
    status, booked = call(client, "POST", "/appointments", coord,
                          {"case": family.case, "start": at(TUESDAY, 14), "location": "home"})
    assert status == 201, booked
    status, case = call(client, "GET", f"/cases/{family.case}", coord)
    assert status == 200
    for name, wanted in hours.items():
        assert case[name] == sorted(wanted, reverse=True)
    status, patched = call(client, "PATCH", f"/cases/{family.case}", coord,
                           {"meetings_per_week": 3})
    assert status == 200 and patched["reminders"] == case["reminders"], patched


HOUR_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(min_value=0.25, max_value=336),
    st.decimals(min_value="0.25", max_value="336", places=4).map(float),
)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reminders=st.lists(HOUR_VALUES, max_size=6),
       worker_reminders=st.lists(HOUR_VALUES, max_size=6))
def test_any_reminders_list_is_refused_with_a_4xx_or_books(client, coord, reminders,
                                                           worker_reminders):
    from harness.api import case_payload, make_office, make_worker

    workers = [make_worker(client, coord), make_worker(client, coord)]
    office = make_office(client, coord)
    payload = case_payload(workers, ("home", office), reminders=reminders,
                           worker_reminders=worker_reminders)
    # json.dumps writes NaN and Infinity, which Python's parser (the API's) reads back.
    status, created = call(client, "POST", "/cases", coord, payload)
    assert status in (201, 422), created
    if status == 422:
        assert created["error"]["field"].split(".")[0] in ("reminders", "worker_reminders")
        return
    status, link = call(client, "POST", f"/cases/{created['id']}/booking-links", coord, {})
    assert status == 201, link
    token = link["url"].rsplit("/book/", 1)[1]
    status, booked = call(client, "POST", f"/book/{token}/appointments", JSON,
                          {"start": at(TUESDAY, 10), "location": "home"})
    assert status == 201, booked
