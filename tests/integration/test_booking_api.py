"""The booking API end to end through chalice.test.Client on moto, with a pinned clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from tests.support.api import call
from tests.support.booking import NOW, TUESDAY, at, book, issue_link, make_family

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def clock(aws):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coord(clock, token):
    return token("coordinator")


@pytest.fixture
def family(client, coord):
    return make_family(client, coord)


def test_a_family_books_a_free_slot_and_sees_it_listed(client, family):
    status, body = book(client, family, at(TUESDAY, 10))
    assert status == 201, body
    assert body["start"] == "2026-12-01T10:00:00+02:00"
    assert body["end"] == "2026-12-01T11:30:00+02:00"
    assert (body["location"], body["status"], body["case"]) == ("home", "booked", family.case)
    status, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert status == 200 and [a["id"] for a in listed["appointments"]] == [body["id"]]
