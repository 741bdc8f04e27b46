"""Parallel busy sweeps on DynamoDB Local (a real engine): one run syncs, the others
change nothing; a run that lost its claim writes nothing."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import time_machine

from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.busy_times import BusySource
from chalicelib.domain.workdays import at_local
from chalicelib.services import busy
from chalicelib.sources.readers import Reading
from chalicelib.store.busy import DynamoBusySources
from chalicelib.store.calendar import cal_key
from chalicelib.store.tx import batch_get
from harness.api import call, make_worker
from harness.calendar_servers import EXPECTED_BUSY, IcsServer, event_documents
from tests.support.client import app_client, staff_headers
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

NOW = at_local(date(2027, 3, 22), 7, 30)
RULES = BookingRules()


@pytest.fixture
def local(ddb_local):
    with time_machine.travel(NOW, tick=False), app_client() as client:
        yield client, staff_headers(ddb_local["TAPAAMO_LOCAL_DIR"])


def sweep(client) -> dict:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            resources=[], detail={})
    return client.lambda_.invoke("busy_sweep", event).payload


def busy_attrs(worker: str, weeks) -> dict:
    items = batch_get([cal_key(worker, w) for w in weeks], consistent=True)
    return {k: v for item in items.values() for k, v in item.items()
            if k[:1] in "xX" and k[1:].isdigit()}


def test_eight_parallel_sweeps_read_and_write_each_source_once(local):
    client, coord = local
    workers = [make_worker(client, coord) for _ in range(3)]
    with IcsServer(event_documents()) as server:
        for worker in workers:
            status, _ = call(client, "PUT", f"/workers/{worker}/busy-source", coord,
                             {"kind": "ics", "url": server.url})
            assert status == 200
        with ThreadPoolExecutor(max_workers=8) as pool:
            runs = list(pool.map(lambda _: sweep(client), range(8)))
        assert server.answers == [200] * 3  # each source read by exactly one run
    total = sum((Counter(r) for r in runs), Counter())
    assert total["synced"] == 3 and total["failed"] == 0
    store = DynamoBusySources()
    weeks = store.get(workers[0])[0].weeks
    assert busy_attrs(workers[0], weeks) == busy_attrs(workers[1], weeks) != {}


def test_a_run_that_lost_its_claim_writes_nothing(local):
    client, coord = local
    worker = make_worker(client, coord)
    store = DynamoBusySources()
    store.put(BusySource(worker, "ics", url="https://calendar.example.org/a.ics"), NOW)
    source, due_at = store.get(worker)

    def read_then_lose_the_claim(src, span):
        # While this run reads, another run claims the source (a new PUT does the same).
        claimed_by_other = store.get(worker)[1]
        assert store.claim(worker, claimed_by_other, "other-run", NOW)
        return Reading(list(EXPECTED_BUSY))

    assert busy.sync(store, read_then_lose_the_claim, source, due_at, NOW, RULES) == "skipped"
    after, _ = store.get(worker)
    assert after.last_sync_at is None and after.weeks == ()
    week = "2027-W13"
    assert busy_attrs(worker, [week]) == {}
