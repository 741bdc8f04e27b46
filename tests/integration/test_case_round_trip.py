"""Property: every case field survives the store (twin and DynamoDB on moto) exactly, and
the case read back books — the way a family's link reads it (raw batch read) included."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.directory import LANGUAGES, SERVICES, Case, Contact, Worker
from chalicelib.domain.numbers import exact_number
from chalicelib.store.directory import DynamoDirectory
from chalicelib.store.directory_items import case_key
from chalicelib.store.memory_directory import InMemoryDirectory
from harness.booking import NOW, TUESDAY
from tests.support.twins import BACKENDS, twin

HOURS = st.decimals(min_value="0.25", max_value="336", places=4).map(exact_number)
INSTANTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31),
                        timezones=st.just(UTC)).map(lambda t: t.replace(microsecond=0))


@st.composite
def cases(draw) -> Case:
    workers = draw(st.lists(st.sampled_from(["anna", "ben", "cai"]), min_size=1, max_size=2,
                            unique=True))
    created = draw(INSTANTS)
    return Case(
        id="k" + uuid.uuid4().hex[:8],
        service=draw(st.sampled_from(SERVICES)),
        workers=tuple(f"{w}-{uuid.uuid4().hex[:6]}" for w in workers),
        start_date=draw(st.dates(min_value=date(2000, 1, 1), max_value=NOW.date())),
        meeting_minutes=draw(st.integers(60, 120)),
        meetings_per_week=draw(st.integers(1, 3)),
        locations=tuple(draw(st.lists(st.sampled_from(["daycare", "school", "placement"]),
                                      unique=True))) + ("home",),
        contact=Contact(draw(st.none() | st.just("+358401234567")),
                        draw(st.none() | st.just("perhe@example.org")),
                        draw(st.sampled_from(LANGUAGES))),
        social_worker=draw(st.none() | st.just("sosiaalityontekija")),
        reminders=tuple(draw(st.lists(HOURS, max_size=5, unique=True))),
        worker_reminders=tuple(draw(st.lists(HOURS, max_size=5, unique=True))),
        link_epoch=draw(st.integers(0, 1000)),
        created_at=created,
        updated_at=created,
    )


@pytest.fixture(params=BACKENDS)
def repo(request):
    return twin(request, InMemoryDirectory, DynamoDirectory)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=cases())
def test_a_case_reads_back_exactly_with_exact_numbers_and_books(repo, case):
    saved = repo.save_case(case)
    assert saved == replace(case, version=1)
    loaded = repo.get_case(case.id)
    assert loaded == saved
    numbers = (*loaded.reminders, *loaded.worker_reminders)
    assert all(isinstance(h, (int, Decimal)) and not isinstance(h, bool) for h in numbers)
    if isinstance(repo, DynamoDirectory):
        assert _as_a_link_reads_it(case.id) == saved
        _book(repo, loaded)


def _as_a_link_reads_it(case_id: str) -> Case:
    from chalicelib.store.links import case_from_plain
    from chalicelib.store.tx import batch_get

    return case_from_plain(batch_get([case_key(case_id)])[case_key(case_id)])


def _book(repo, case: Case) -> None:
    from chalicelib.domain.workdays import at_local
    from chalicelib.services.booking import BookingRequest, book
    from chalicelib.store.reminders import find_due

    for worker in case.workers:
        repo.put_worker(Worker(worker, "Test Worker", None, None, None, ("instructor",)))
    start = at_local(TUESDAY, 10)
    with time_machine.travel(NOW, tick=False):
        status, body = book(BookingRequest(case, start, "home", booked_by="family"), {}, NOW)
    assert status == 201 and body["status"] == "booked"
    # The timers hold the case's hours in whole minutes and are read back without error.
    due = [t for t in find_due(start) if t.case_id == case.id]
    assert all(t.start == start for t in due)
