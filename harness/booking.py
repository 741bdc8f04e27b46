"""A pinned clock and a case with a booking link, built through the public HTTP API.

The fixtures ``clock``, ``coord`` and ``family`` are imported by the test modules that
use them (``from harness.booking import clock, coord, family``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from chalicelib.domain.workdays import at_local
from harness.api import call, make_case, make_office, make_worker

NOW = at_local(date(2026, 11, 20), 12)  # a Friday; 2026-12-01 is a Tuesday 11 days later
TUESDAY = date(2026, 12, 1)


def at(day: date, hour: int, minute: int = 0) -> str:
    return at_local(day, hour, minute).isoformat()


@dataclass
class Family:
    """A case, its workers and office, and a booking link token."""

    case: str
    workers: list[str]
    office: str
    token: str
    coord: dict

    @property
    def base(self) -> str:
        return f"/book/{self.token}"


def issue_link(client, coord, case_id, **body) -> str:
    status, link = call(client, "POST", f"/cases/{case_id}/booking-links", coord, body)
    assert status == 201, link
    return link["url"].rsplit("/book/", 1)[1]


def make_family(client, coord, workers=None, office=None, rooms=1, **case) -> Family:
    office = office or make_office(client, coord, rooms=rooms)
    workers = workers or [make_worker(client, coord), make_worker(client, coord)]
    created = make_case(client, coord, workers, locations=("home", office), **case)
    return Family(created["id"], workers, office, issue_link(client, coord, created["id"]),
                  coord)


def book(client, family: Family, start: str, location="home", headers=None):
    return call(client, "POST", f"{family.base}/appointments",
                {"Content-Type": "application/json", **(headers or {})},
                {"start": start, "location": location})


@pytest.fixture
def clock(aws):
    """The clock stopped at NOW for the whole test; ``clock.shift(...)`` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coord(clock, token):
    """A coordinator's headers, minted at NOW."""
    return token("coordinator")


@pytest.fixture
def family(client, coord):
    """A case with two workers, an office of one room and a live booking link."""
    return make_family(client, coord)
