"""A soak (not a test, not in ``make test``): mixed traffic from many clients against a
local stack on loopback while DynamoDB Local is paused and later killed and restarted.

``python -m bench.soak [--minutes 10] [--clients 20]`` starts DynamoDB Local (persisting
on disk, so a restart finds its data), ``chalice local`` and the local pump, makes its
own offices, workers and families, and runs the clients: each loops over reading its
page and slots, booking a free time, cancelling one, reading its feed and the staff case
view, until the time is up (or its request budget is spent). At 40 % of the run the engine
is paused (SIGSTOP) for 20 s, at 65 % killed (SIGKILL) and started again 10 s later.

Afterwards the pump delivers what is queued, and the soak checks: no 5xx but 503; every
appointment ever committed got one confirmation, every cancelled one one cancellation,
each sent once (the local sink's log holds exactly the messages the outbox marks sent),
nothing left unsent; every booking holds exactly its locks. It prints the figures and
writes ``bench/results/soak.json``; exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results") / "soak.json"
MAX_REQUESTS_PER_CLIENT = 5000  # a bound even if the clock misbehaves
PAUSE_AT, PAUSE_SECONDS = 0.40, 20
KILL_AT, DOWN_SECONDS = 0.65, 10
DRAIN_SECONDS = 60


class Http:
    """JSON over loopback with a timeout; (status, body, seconds)."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token

    def __call__(self, method: str, path: str, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=40) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            return 0, str(error), time.monotonic() - started  # no answer at all
        try:
            parsed = json.loads(raw) if raw and raw[:1] in b"{[" else raw
        except ValueError:
            parsed = raw
        return status, parsed, time.monotonic() - started


def build_world(staff: Http, clients: int) -> list[dict]:
    """Offices, workers (pairs overlap, so families compete for workers) and families."""
    offices = [f"soak-o{i}" for i in range(3)]
    for office in offices:
        assert staff("PUT", f"/offices/{office}", {"name": office, "address": "Katu 1",
                                                   "rooms": 1})[0] == 200
    workers = [f"soak-w{i}" for i in range(max(4, clients // 2))]
    for worker in workers:
        status, body, _ = staff("PUT", f"/workers/{worker}", {"name": "Soak Worker"})
        assert status in (200, 201), body
    families = []
    for i in range(clients):
        pair = [workers[i % len(workers)], workers[(i + 1) % len(workers)]]
        status, case, _ = staff("POST", "/cases", {
            "service": "perhetyo", "workers": pair, "start_date": date.today().isoformat(),
            "meeting_minutes": 90, "meetings_per_week": 3,
            "locations": ["home", offices[i % len(offices)]],
            "contact": {"phone": f"040 {1000000 + i}", "language": "fi"},
            "reminders": [1.5]})
        assert status == 201, case
        status, link, _ = staff("POST", f"/cases/{case['id']}/booking-links", {})
        assert status == 201, link
        families.append({"case": case["id"], "workers": pair, "base":
                         "/book/" + link["url"].rsplit("/book/", 1)[1],
                         "locations": case["locations"]})
    return families


def client_loop(family: dict, http: Http, staff: Http, deadline: float, stats: Counter,
                latencies: list, lock: threading.Lock) -> None:
    rng = random.Random(family["case"])
    booked: list[str] = []
    first = (date.today() + timedelta(days=2)).isoformat()
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        action = rng.choice(["page", "slots", "book", "book", "cancel", "feed", "case"])
        if action == "page":
            answer = http("GET", family["base"])
        elif action == "feed":
            answer = http("GET", f"{family['base']}/calendar.ics")
        elif action == "case":
            answer = staff("GET", f"/cases/{family['case']}")
        elif action == "cancel" and booked:
            answer = http("POST", f"{family['base']}/appointments/{booked.pop(0)}/cancel", {})
        else:
            wanted, action = action, "slots"  # what is recorded unless a booking follows
            answer = http("GET", f"{family['base']}/slots?from={first}&days=14")
            slots = answer[1].get("slots", []) if isinstance(answer[1], dict) else []
            if wanted in ("book", "cancel") and slots:
                record(stats, latencies, lock, "slots", answer)
                slot = rng.choice(slots)
                answer = http("POST", f"{family['base']}/appointments",
                              {"start": slot["start"], "location": rng.choice(slot["locations"])},
                              {"Idempotency-Key": uuid.uuid4().hex})
                action = "book"
                if answer[0] == 201:
                    booked.append(answer[1]["id"])
        record(stats, latencies, lock, action, answer)


def record(stats: Counter, latencies: list, lock: threading.Lock, action: str, answer) -> None:
    status, _, seconds = answer
    with lock:
        stats[(action, status)] += 1
        latencies.append(seconds)


def faults(engine_box: dict, restart, duration: float, started: float, log: list) -> None:
    """Pause the engine, later kill it and start it again (on the same data and port)."""
    time.sleep(max(0.0, started + duration * PAUSE_AT - time.monotonic()))
    pid = engine_box["engine"].process.pid
    os.kill(pid, signal.SIGSTOP)
    log.append(f"paused pid {pid} at {time.monotonic() - started:.0f} s")
    time.sleep(PAUSE_SECONDS)
    os.kill(pid, signal.SIGCONT)
    log.append(f"resumed at {time.monotonic() - started:.0f} s")
    time.sleep(max(0.0, started + duration * KILL_AT - time.monotonic()))
    engine_box["engine"].process.kill()
    engine_box["engine"].process.wait(timeout=30)
    log.append(f"killed at {time.monotonic() - started:.0f} s")
    time.sleep(DOWN_SECONDS)
    engine_box["engine"] = restart()
    log.append(f"restarted (pid {engine_box['engine'].process.pid}) at "
               f"{time.monotonic() - started:.0f} s")


def check_messages(staff: Http, families: list[dict], sink: Path) -> dict:
    """Outbox against appointments and against what the local sink received."""
    from chalicelib import bootstrap
    from chalicelib.store.appointments import case_appointments
    from harness.consistency import SINCE

    bootstrap.wiring()  # points the store at the stack's table
    problems, sent_total = [], 0
    for family in families:
        appointments = case_appointments(family["case"], SINCE)
        status, body, _ = staff("GET", f"/notifications?case={family['case']}")
        assert status == 200, body
        notes = body["notifications"]
        kinds = Counter(n["kind"] for n in notes if n["status"] == "sent")
        unsent = [n["id"] for n in notes if n["status"] != "sent" and n["kind"] != "reminder"]
        sent_total += sum(1 for n in notes if n["status"] == "sent")
        cancelled = sum(1 for a in appointments if not a.booked)
        if kinds["confirmation"] != len(appointments):
            problems.append(f"{family['case']}: {kinds['confirmation']} confirmations for "
                            f"{len(appointments)} appointments")
        if kinds["cancellation"] != cancelled:
            problems.append(f"{family['case']}: {kinds['cancellation']} cancellations for "
                            f"{cancelled} cancelled")
        if unsent:
            problems.append(f"{family['case']}: unsent {unsent}")
    received = len(sink.read_text(encoding="utf-8").splitlines()) if sink.exists() else 0
    if received != sent_total:
        problems.append(f"the sink received {received} messages, the outbox marks "
                        f"{sent_total} sent")
    return {"sent": sent_total, "received": received, "problems": problems}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_DIR))
    from chalicelib.local import processes
    from chalicelib.local.dynamodb import start_engine
    from chalicelib.local.pump import Pump
    from chalicelib.local.queue import LocalQueue
    from chalicelib.local.runner import _load_app, _start_api  # the stack's own pieces
    from chalicelib.local.settings import StackSettings, free_port
    from harness.consistency import lock_problems

    root = Path(tempfile.mkdtemp(prefix="tapaamo-soak-"))
    settings = StackSettings(PROJECT_DIR, free_port(), root)
    settings.stack_dir.mkdir(parents=True, exist_ok=True)
    data, port = settings.stack_dir / "dynamodb", free_port()

    def restart():
        return start_engine(PROJECT_DIR, data, port, print)

    box = {"engine": restart()}
    os.environ.update(settings.environment(box["engine"].endpoint))
    cli = [sys.executable, "-m", "chalicelib.cli"]
    subprocess.run([*cli, "create-tables"], cwd=PROJECT_DIR, check=True)
    token = subprocess.run([*cli, "token", "--role", "coordinator"], cwd=PROJECT_DIR,
                           check=True, capture_output=True, text=True).stdout.split()[-1]
    api = _start_api(settings)
    stop_pump = threading.Event()
    try:
        processes.wait_for_http(f"{settings.base_url}/health", api, timeout_seconds=120,
                                what="chalice local")
        pump = Pump(_load_app(), LocalQueue(settings.stack_dir))
        threading.Thread(target=pump.run, args=(stop_pump, 2.0), daemon=True).start()
        staff = Http(settings.base_url, token)
        families = build_world(staff, args.clients)
        stats, latencies, lock, fault_log = Counter(), [], threading.Lock(), []
        duration = args.minutes * 60
        started = time.monotonic()
        threads = [threading.Thread(target=client_loop, args=(
            f, Http(settings.base_url), staff, started + duration, stats, latencies, lock))
            for f in families]
        for thread in threads:
            thread.start()
        # In this thread: a child dies with the thread that started it (PR_SET_PDEATHSIG).
        faults(box, restart, duration, started, fault_log)
        for thread in threads:
            thread.join()
        time.sleep(DRAIN_SECONDS)  # the pump sends what is queued (retries included)
        messages = check_messages(staff, families, settings.stack_dir / "notifications.log")
        weeks = {f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"
                 for d in (date.today() + timedelta(days=n) for n in range(0, 21, 7))}
        locks = lock_problems([f["case"] for f in families],
                              sorted({w for f in families for w in f["workers"]}), weeks)
    finally:
        stop_pump.set()
        processes.stop(api)
        processes.stop(box["engine"].process)
    return report(args, stats, latencies, fault_log, messages, locks)


def report(args, stats: Counter, latencies: list, fault_log: list, messages: dict,
           locks: list) -> int:
    by_status = Counter()
    for (_, status), n in stats.items():
        by_status[status] += n
    server_errors = {s: n for s, n in by_status.items() if s >= 500 and s != 503}
    ordered = sorted(latencies)
    figures = {
        "minutes": args.minutes, "clients": args.clients, "requests": sum(by_status.values()),
        "by_status": {str(k): v for k, v in sorted(by_status.items())},
        "by_action": {f"{a} {s}": n for (a, s), n in sorted(stats.items())},
        "p50_ms": round(ordered[len(ordered) // 2] * 1000) if ordered else None,
        "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000) if ordered else None,
        "max_s": round(ordered[-1], 1) if ordered else None,
        "faults": fault_log, "messages": messages, "lock_problems": locks,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    failed = server_errors or messages["problems"] or locks or by_status.get(0)
    print("SOAK FAILED" if failed else "soak passed: no 5xx but 503, messages once each, "
          "locks consistent")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
