"""Worker feed polls at 100, 2,000 and 10,000 appointments (``make bench``, DynamoDB Local).

Per size: an unchanged poll (``If-None-Match`` with the current ETag: 304) and a changed
one (one appointment rescheduled since the client's copy: 200), each with its round trips,
read units (every request asks for ``ReturnConsumedCapacity``) and latency. The agenda
rows are written straight into the table with batch writes, as booking writes them: a
third of them before the feed's window (history it must not read), the rest inside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.measure import Figures, measure, percentile

SIZES = (100, 2_000, 10_000)
HISTORY_SHARE = 3  # one appointment in this many lies before the window
READS = ("GetItem", "Query", "BatchGetItem")


def feed_polls(runs: int, sizes=SIZES) -> dict[str, dict]:
    """The rows ``bench/README.md`` lists (names: "unchanged (304) at N", "changed at N")."""
    import time_machine
    from chalice.test import Client

    from app import app
    from chalicelib.auth import mint_local_token
    from harness.api import call, make_office, make_worker
    from harness.booking import NOW

    rows: dict[str, dict] = {}
    with time_machine.travel(NOW, tick=False), Client(app, stage_name="local") as client:
        coord = {"Authorization": "Bearer " + mint_local_token(
            Path(os.environ["TAPAAMO_LOCAL_DIR"]), "coordinator", None, datetime.now(UTC)),
            "Content-Type": "application/json"}
        office = make_office(client, coord)
        for size in sizes:
            worker = make_worker(client, coord, office=office)
            url = call(client, "POST", f"/workers/{worker}/feed-tokens", coord)[1]["url"]
            path = "/feeds/" + url.rsplit("/feeds/", 1)[1]
            seed_agenda(worker, size, NOW)
            rows.update(_poll_rows(client, path, worker, size, runs, NOW))
    return rows


def _poll_rows(client, path: str, worker: str, size: int, runs: int, now) -> dict:
    def get(tag=None):
        return client.http.get(path, headers={"If-None-Match": tag} if tag else {})

    tag = get().headers["ETag"]  # warm: the office names and rota are kept after this
    unchanged, units = Figures(f"unchanged (304) at {size}"), []
    for _ in range(runs):
        with read_units() as used:
            measure(unchanged, lambda: get(tag).status_code)
        units.append(sum(used))
    changed, changed_units, pages = Figures(f"changed at {size}"), [], []
    for run in range(runs):
        reschedule(worker, run, now)
        with read_units() as used:
            measure(changed, lambda: get(tag).status_code)
        changed_units.append(sum(used))
        pages.append(changed.operations["Query"])
    return {figures.name: {**figures.as_json(), "read_units_max": max(spent),
                           "read_units_p50": percentile(spent, 50),
                           **({"query_pages_max": max(pages)} if figures is changed else {})}
            for figures, spent in ((unchanged, units), (changed, changed_units))}


def seed_agenda(worker: str, count: int, now) -> None:
    """``count`` agenda rows of ``worker`` as booking writes them (``agenda_item``), 25 per
    BatchWriteItem: one in :data:`HISTORY_SHARE` from 2 years back, the others from now
    on, spread over the 400 days ahead; every tenth one cancelled a year ago or today."""
    from chalicelib.domain.appointment import Appointment
    from chalicelib.store.appointments import agenda_item
    from chalicelib.store.tx import client, table_name, to_dynamo

    ahead = count - count // HISTORY_SHARE
    requests = []
    for i in range(count):
        if i < count // HISTORY_SHARE:
            start = now - timedelta(days=730) + timedelta(hours=17 * i)
        else:
            start = now + timedelta(minutes=(i - count // HISTORY_SHARE) * 400 * 1440 // ahead)
        cancelled = i % 10 == 0
        appointment = Appointment(
            id=f"b{worker[-6:]}{i}", case_id=f"k{i % 97:08x}", workers=(worker,), start=start,
            end=start + timedelta(minutes=90), location="home", place="home", kind="meeting",
            minutes=90, status="cancelled" if cancelled else "booked", sequence=int(cancelled),
            created_at=now - timedelta(days=400),
            updated_at=now - timedelta(days=365 if i % 20 else 0), booked_by="bench",
            buckets=())
        requests.append({"PutRequest": {"Item": {
            k: to_dynamo(v) for k, v in agenda_item(worker, appointment).items()}}})
    ddb = client()
    while requests:
        batch, requests = requests[:25], requests[25:]
        left = ddb.batch_write_item(RequestItems={table_name(): batch}).get("UnprocessedItems")
        requests.extend((left or {}).get(table_name(), []))


def reschedule(worker: str, run: int, now) -> None:
    """The same appointment of the worker changed again (its sequence raised), written
    as a commit writes it: the feed version is bumped in the same transaction."""
    from chalicelib.store.tx import Transaction, utc_iso

    start = now + timedelta(days=1, hours=9)
    item = {"pk": f"AGENDA#{worker}", "sk": f"{utc_iso(start)}#moved", "case_id": "k00000001",
            "appointment_id": "moved", "start": utc_iso(start),
            "end": utc_iso(start + timedelta(minutes=90)), "location": "home",
            "kind": "meeting", "status": "booked", "sequence": run + 1,
            "created_at": utc_iso(now), "updated_at": utc_iso(now + timedelta(minutes=run))}
    tx = Transaction()
    tx.put(item, "agenda")
    tx.commit()


@contextmanager
def read_units() -> Iterator[list[float]]:
    """Ask every DynamoDB read in the block for its consumed capacity; yields the list of
    read units the answers report."""
    from botocore.client import BaseClient

    used: list[float] = []
    real = BaseClient._make_api_call

    def counted(client, operation, params):
        if client.meta.service_model.service_name != "dynamodb" or operation not in READS:
            return real(client, operation, params)
        answer = real(client, operation, {**params, "ReturnConsumedCapacity": "TOTAL"})
        spent = answer.get("ConsumedCapacity")
        for entry in spent if isinstance(spent, list) else [spent] if spent else []:
            used.append(float(entry.get("CapacityUnits", 0)))
        return answer

    BaseClient._make_api_call = counted
    try:
        yield used
    finally:
        BaseClient._make_api_call = real
