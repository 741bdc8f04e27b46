"""``make bench``: round trips, Scans and latency per endpoint on moto and DynamoDB Local,
the cold-start ratio and the deployment zip size; writes ``bench/results/latest.json``.

Options: ``--runs N`` (requests per endpoint, default 30), ``--engine moto|ddblocal``
(default both), ``--no-package`` (skip building the zip), ``--feeds-only`` (just the
worker feed polls at 100, 2,000 and 10,000 appointments and the cold start).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import uuid
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from bench.coldstart import cold_start, deployment_zip
from bench.console import TEAM_GRID
from bench.feeds import feed_polls
from bench.scenarios import FEED_APPOINTMENTS, run_endpoints, time_first_render, time_free_slots

RESULTS = Path(__file__).with_name("results") / "latest.json"
# Round-trip budgets per request (issue 10); endpoints not named have none.
TARGETS = {"GET slots (14 days)": 2, "POST booking": 2, "GET worker feed (500)": 2,
           "GET /oncall/now": 1,
           # The console (bench/console.py: 200 cases, 24 workers in the table); a
           # coordinator's pages grow by one agenda Query per worker (bench/README.md).
           "GET /staff (worker)": 6, "GET /staff/cases (worker)": 7,
           "GET /staff (coordinator)": 30, "GET /staff/cases (200+)": 41,
           # The team grid: 2 for the grid (workers Query, calendars BatchGetItem), the
           # GetItem every console page makes (the signed-out sessions' deny-list) and, in a
           # fresh container, the office names item (bench/README.md).
           TEAM_GRID: 4}
# p50 budgets on DynamoDB Local (ms), checked like the round trips.
P50_TARGETS = {"GET /staff (worker)": 150, "GET /staff/cases (worker)": 250,
               "GET /staff (coordinator)": 400, "GET /staff/cases (200+)": 1000,
               TEAM_GRID: 150}
# Worker feed polls on DynamoDB Local (bench/feeds.py; issue 22): round trips, read units
# and p50 ms per row; "changed at 10000" has only its round trips bounded (pages).
FEED_TARGETS = {
    **{f"unchanged (304) at {n}": {"round_trips": 1, "read_units": 1, "p50_ms": 10}
       for n in (100, 2_000, 10_000)},
    "changed at 2000": {"round_trips": 2, "p50_ms": 60},
    "changed at 10000": {"round_trips": 4},
}
COLD_START_RATIO = 1.2
FIRST_RENDER_MS = 100  # a 500-event worker feed drawn with no cached VEVENT block (issue 5)
AWS = {"AWS_DEFAULT_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "bench",
       "AWS_SECRET_ACCESS_KEY": "bench", "TAPAAMO_STAGE": "local",
       "TAPAAMO_PUBLIC_URL": "http://tapaamo.bench"}


@contextmanager
def moto_engine():
    import boto3
    from moto import mock_aws

    from chalicelib.store.table import create_table, reset_connections

    work = Path(tempfile.mkdtemp(prefix="tapaamo-bench-"))
    os.environ.pop("TAPAAMO_DDB_ENDPOINT", None)
    os.environ.update(AWS, TAPAAMO_TABLE=f"bench-{uuid.uuid4().hex[:6]}",
                      TAPAAMO_LOCAL_DIR=str(work / "local"))
    with mock_aws():
        reset_connections()
        create_table(boto3.client("dynamodb"), os.environ["TAPAAMO_TABLE"])
        yield "moto (in-process)"
        reset_connections()


@contextmanager
def ddblocal_engine():
    from chalicelib.store.table import reset_connections
    from harness.ddblocal import dynamodb_local

    with dynamodb_local(Path(tempfile.mkdtemp(prefix="tapaamo-bench-"))) as env:
        os.environ.update(AWS, **env)
        reset_connections()
        yield "DynamoDB Local"


ENGINES = {"moto": moto_engine, "ddblocal": ddblocal_engine}


def print_table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':28} {'status':>9} {'trips':>5} {'target':>6} {'scans':>5} "
          f"{'p50 ms':>8} {'p95 ms':>8}  operations")
    for name, row in rows.items():
        target = TARGETS.get(name)
        flag = "" if target is None or row["round_trips_max"] <= target else "  MISSED"
        status = ",".join(map(str, row["status"]))
        print(f"{name:28} {status:>9} {row['round_trips_max']:>5} {target or '-':>6} "
              f"{row['scans']:>5} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}  "
              f"first {row['operations_first']}, then {row['operations_last']}{flag}")


def misses(report: dict) -> list[str]:
    found = []
    for engine, rows in report["engines"].items():
        for name, row in rows.items():
            if name in TARGETS and row["round_trips_max"] > TARGETS[name]:
                found.append(f"{engine}: {name} {row['round_trips_max']} > {TARGETS[name]}")
            if row["scans"]:
                found.append(f"{engine}: {name} made {row['scans']} Scan(s)")
            if engine == "DynamoDB Local" and row["p50_ms"] > P50_TARGETS.get(name, float("inf")):
                found.append(f"{engine}: {name} p50 {row['p50_ms']} ms > {P50_TARGETS[name]}")
            if any(s >= 500 for s in row["status"]):
                found.append(f"{engine}: {name} answered {row['status']}")
    for name, row in report.get("feed_polls", {}).items():
        target = FEED_TARGETS.get(name, {})
        for figure, limit in (("round_trips_max", target.get("round_trips")),
                              ("read_units_max", target.get("read_units")),
                              ("p50_ms", target.get("p50_ms"))):
            if limit is not None and row[figure] > limit:
                found.append(f"feed poll {name}: {figure} {row[figure]} > {limit}")
        if any(s >= 500 for s in row["status"]):
            found.append(f"feed poll {name} answered {row['status']}")
    # The median, not the max: on a shared machine one run in twenty can stall for a
    # scheduling slice (seen: 475 ms beside a p50 of 11 ms); the max is still printed.
    if report.get("first_render", {}).get("p50_ms", 0) > FIRST_RENDER_MS:
        found.append(f"first render p50 {report['first_render']['p50_ms']} ms > {FIRST_RENDER_MS}")
    cold = report["cold_start"]
    if cold["ratio"] > COLD_START_RATIO:
        found.append(f"cold start ratio {cold['ratio']} > {COLD_START_RATIO}")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--engine", choices=sorted(ENGINES), action="append")
    parser.add_argument("--no-package", action="store_true")
    parser.add_argument("--feeds-only", action="store_true")
    args = parser.parse_args(argv)
    report: dict = {"runs": args.runs, "targets": TARGETS, "p50_targets": P50_TARGETS,
                    "feed_targets": FEED_TARGETS, "engines": {}}
    report["feed_polls"] = run_feed_polls(args.runs)
    if args.feeds_only:
        report["cold_start"] = cold_start()
        print_cold_start(report["cold_start"])
        report["missed"] = misses(report)
        return finish(report)
    for key in args.engine or list(ENGINES):
        try:
            with ENGINES[key]() as label:
                with redirect_stdout(io.StringIO()):  # the local sink prints every message
                    figures = run_endpoints(args.runs)
                rows = {name: f.as_json() for name, f in figures.items()}
        except Exception as error:  # noqa: BLE001 - one engine missing must not hide the other
            print(f"\n{key}: not measured ({type(error).__name__}: {error})")
            continue
        report["engines"][label] = rows
        print_table(f"{label}: {args.runs} requests per endpoint", rows)
    report["free_slots"] = time_free_slots(200)
    print(f"\nfree_slots, 14 days, busy pair: p50 {report['free_slots']['p50_ms']} ms, "
          f"p95 {report['free_slots']['p95_ms']} ms ({report['free_slots']['slots']} slots)")
    report["first_render"] = render = time_first_render(20)
    print(f"first render of {FEED_APPOINTMENTS} feed events: first {render['first_ms']} ms, "
          f"p50 {render['p50_ms']} ms, max {render['max_ms']} ms (target ≤ {FIRST_RENDER_MS})")
    report["cold_start"] = cold_start()
    print_cold_start(report["cold_start"])
    if not args.no_package:
        report["deployment_zip"] = deployment_zip()
        print(f"deployment zip: {report['deployment_zip']}")
    report["missed"] = misses(report)
    return finish(report)


def run_feed_polls(runs: int) -> dict:
    """The worker feed polls on DynamoDB Local, printed as a table."""
    try:
        with ddblocal_engine(), redirect_stdout(io.StringIO()):
            polls = feed_polls(runs)
    except Exception as error:  # noqa: BLE001 - reported, the rest still measured
        print(f"\nfeed polls: not measured ({type(error).__name__}: {error})")
        return {}
    print(f"\nworker feed polls on DynamoDB Local, {runs} each")
    print(f"{'poll':24} {'status':>7} {'trips':>5} {'pages':>5} {'RCU':>5} {'p50 ms':>7} "
          f"{'p95 ms':>7}  operations")
    for name, row in polls.items():
        print(f"{name:24} {','.join(map(str, row['status'])):>7} {row['round_trips_max']:>5} "
              f"{row.get('query_pages_max', 0):>5} {row['read_units_max']:>5} "
              f"{row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f}  {row['operations_last']}")
    return polls


def print_cold_start(cold: dict) -> None:
    print(f"cold start: import app {cold['app_ms']} ms vs chalice+boto3+pynamodb "
          f"{cold['baseline_ms']} ms = ratio {cold['ratio']} (target ≤ {COLD_START_RATIO}); "
          f"without bytecode {cold['app_without_bytecode_ms']} ms")


def finish(report: dict) -> int:
    """Write the report; 1 when a target was missed."""
    RESULTS.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    for miss in report["missed"]:
        print(f"MISSED: {miss}")
    return 1 if report["missed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
