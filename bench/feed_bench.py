"""Benchmark (not a test): DynamoDB round trips and render time of a 500-appointment feed.

Run: ``PYTHONPATH=. python bench/feed_bench.py`` (moto in-process; no AWS needed).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import boto3
from moto import mock_aws

N = 500
NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def main() -> None:
    os.environ.update(TAPAAMO_TABLE="tapaamo-bench", AWS_DEFAULT_REGION="eu-north-1",
                      AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.domain.access import Actor
        from chalicelib.domain.directory import Office, Worker
        from chalicelib.services import feeds
        from chalicelib.store.table import create_table
        from botocore.client import BaseClient

        ddb = boto3.client("dynamodb", region_name="eu-north-1")
        create_table(ddb, "tapaamo-bench")
        wiring = bootstrap.wiring()
        wiring.directory.put_office(Office("kallio", "Kallio", "Toinen linja 4", 3))
        wiring.directory.put_worker(Worker("w1", "W", None, None, "kallio", ()))
        url = feeds.issue_feed_token(wiring.agenda, wiring.directory,
                                     Actor("c", "coordinator"), "w1", "", NOW)
        token = url.removeprefix("/feeds/").removesuffix(".ics")
        _write_agenda(ddb, "w1", N)
        # Every botocore client (PynamoDB keeps one per model class), not just tx.client().
        calls: list[str] = []
        real_call, real_render = BaseClient._make_api_call, feeds.render_calendar
        BaseClient._make_api_call = lambda self, op, params: (
            calls.append(op), real_call(self, op, params))[1]
        render_ms: list[float] = []

        def timed_render(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real_render(*args, **kwargs)
            finally:
                render_ms.append((time.perf_counter() - started) * 1000)

        feeds.render_calendar = timed_render
        for label in ("cold process", "re-poll", "re-poll"):
            calls.clear()
            started = time.perf_counter()
            ics = feeds.worker_feed(wiring.agenda, wiring.office_names, wiring.feed_sources,
                                    token, "https://tapaamo.example", NOW)
            total = (time.perf_counter() - started) * 1000
            print(f"{label}: {ics.count(b'BEGIN:VEVENT')} events, {len(calls)} round trips "
                  f"{calls}, render {render_ms[-1]:.1f} ms, total {total:.0f} ms with moto")


def _write_agenda(ddb, worker: str, count: int) -> None:
    for at in range(0, count, 25):
        items = []
        for i in range(at, min(at + 25, count)):
            start = NOW + timedelta(hours=7 * i + 1)
            fields = {"pk": f"AGENDA#{worker}", "sk": f"{start.isoformat()}#a{i}",
                      "appointment_id": f"a{i}", "case_id": f"k{i % 9:08x}",
                      "start": start.isoformat(), "end": (start + timedelta(minutes=90)).isoformat(),
                      "location": "kallio" if i % 2 else "home", "kind": "meeting",
                      "status": "booked", "created_at": NOW.isoformat(),
                      "updated_at": NOW.isoformat()}
            items.append({"PutRequest": {"Item": {k: {"S": v} for k, v in fields.items()}
                                         | {"sequence": {"N": "0"}}}})
        ddb.batch_write_item(RequestItems={"tapaamo-bench": items})


if __name__ == "__main__":
    main()
