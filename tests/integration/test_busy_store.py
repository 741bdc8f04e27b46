"""The busy-source store: one suite for the DynamoDB store (moto) and its in-memory twin,
driven through the sync service with a reader that returns fixed busy times."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.busy_times import BusySource
from chalicelib.domain.workdays import at_local
from chalicelib.services import busy
from chalicelib.sources.guard import FetchError
from chalicelib.sources.readers import Reading
from chalicelib.store.busy import DynamoBusySources
from chalicelib.store.memory_busy import InMemoryBusySources
from harness.calendar_servers import EXPECTED_BUSY
from tests.support.twins import BACKENDS, twin

RULES = BookingRules()
NOW = at_local(date(2027, 3, 22), 7, 30)
SOURCE = BusySource("w-aino", "ics", url="https://calendar.example.org/s/abc.ics")


@pytest.fixture(params=BACKENDS)
def store(request):
    return twin(request, InMemoryBusySources, DynamoBusySources)


def reads(*results):
    answers = list(results)

    def read(source, span):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return read


def test_a_new_source_is_due_at_once_and_then_in_ten_minutes(store):
    store.put(SOURCE, NOW)
    assert [s.worker_id for s, _ in store.due(NOW, 10)] == ["w-aino"]
    assert busy.sweep(store, reads(Reading(EXPECTED_BUSY, '"e1"')), NOW, RULES) == {"synced": 1}
    assert store.due(NOW + timedelta(minutes=9), 10) == []
    assert len(store.due(NOW + timedelta(minutes=10), 10)) == 1


def test_a_sync_records_the_outcome_and_the_cells_of_each_week(store):
    store.put(SOURCE, NOW)
    busy.sweep(store, reads(Reading(EXPECTED_BUSY, '"e1"')), NOW, RULES)
    source, _ = store.get("w-aino")
    assert (source.last_sync_at, source.busy_count, source.etag) == (NOW, 5, '"e1"')
    assert source.weeks == ("2027-W12", "2027-W13", "2027-W14", "2027-W15")
    cells = store.weeks("w-aino", list(source.weeks))
    assert cells["2027-W12"].attrs == {"X20270325": 1}


def test_a_failure_keeps_the_cells_and_a_later_success_clears_the_error(store):
    store.put(SOURCE, NOW)
    busy.sweep(store, reads(Reading(EXPECTED_BUSY)), NOW, RULES)
    kept = store.weeks("w-aino", ["2027-W13"])
    later = NOW + timedelta(minutes=10)
    assert busy.sweep(store, reads(FetchError("x.org: HTTP 503")), later, RULES) == {"failed": 1}
    assert store.get("w-aino")[0].last_error == "x.org: HTTP 503"
    assert store.weeks("w-aino", ["2027-W13"]) == kept
    busy.sweep(store, reads(Reading(EXPECTED_BUSY[:1])), later + timedelta(minutes=10), RULES)
    source, _ = store.get("w-aino")
    assert source.last_error is None and source.weeks == ("2027-W12",)
    assert store.weeks("w-aino", ["2027-W13"])["2027-W13"].attrs == {}


def test_only_one_of_two_claims_on_the_same_due_time_wins(store):
    store.put(SOURCE, NOW)
    _, due_at = store.get("w-aino")
    assert store.claim("w-aino", due_at, "run-1", NOW + timedelta(minutes=10))
    assert not store.claim("w-aino", due_at, "run-2", NOW + timedelta(minutes=10))
    assert not store.fail("w-aino", "run-2", "late", NOW)
    assert store.fail("w-aino", "run-1", "x.org: HTTP 500", NOW)


def test_a_sync_of_a_removed_source_does_nothing_and_remove_clears_the_cells(store):
    assert busy.sync_worker(store, reads(), "w-aino", NOW, RULES) == "none"
    store.put(SOURCE, NOW)
    busy.sweep(store, reads(Reading(EXPECTED_BUSY)), NOW, RULES)
    weeks = list(store.get("w-aino")[0].weeks)
    assert store.delete("w-aino") and not store.delete("w-aino")
    assert all(c.attrs == {} for c in store.weeks("w-aino", weeks).values())


def test_a_sweep_past_its_time_budget_leaves_the_rest_due(store):
    for worker in ("w-a", "w-b", "w-c"):
        store.put(BusySource(worker, "ics", url="https://calendar.example.org/a.ics"), NOW)
    ticks = iter([0.0, 50.0, 50.0])
    outcomes = busy.sweep(store, reads(Reading([])), NOW, RULES, elapsed=lambda: next(ticks))
    assert outcomes == {"synced": 1, "deferred": 2}
    assert len(store.due(NOW, 10)) == 2
