"""The benchmarked requests: one table row per endpoint, through ``chalice.test.Client``.

The caller points the environment at an engine (moto or DynamoDB Local) with an empty
table; everything here is built through the public API, at a pinned clock.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.console import console_pages, team_grid
from bench.measure import Figures, measure

FEED_APPOINTMENTS = 500
BUSY_SOURCES = 10


def run_endpoints(runs: int) -> dict[str, Figures]:
    """Measure every endpoint ``runs`` times (book/move/cancel as ``runs`` cycles)."""
    import time_machine
    from chalice.test import Client

    from app import app
    from chalicelib.auth import mint_local_token
    from harness.booking import NOW

    with time_machine.travel(NOW, tick=False), Client(app, stage_name="local") as client:
        coord = {"Authorization": "Bearer " + mint_local_token(
            Path(os.environ["TAPAAMO_LOCAL_DIR"]), "coordinator", None, datetime.now(UTC)),
            "Content-Type": "application/json"}
        return _Bench(client, coord, runs).run()


class _Bench:
    def __init__(self, client, coord: dict, runs: int):
        from harness.booking import make_family

        self.client, self.coord, self.runs = client, coord, runs
        self.family = make_family(client, coord)
        self.figures: dict[str, Figures] = {}

    def request(self, method: str, path: str, headers=None, body=None) -> tuple[int, object]:
        from harness.api import call

        return call(self.client, method, path, headers or {}, body)

    def timed(self, name: str, method: str, path: str, headers=None, body=None):
        figures = self.figures.setdefault(name, Figures(name))
        answer = {}

        def send() -> int:
            answer["status"], answer["body"] = self.request(method, path, headers, body)
            return answer["status"]

        measure(figures, send)
        return answer["body"]

    def run(self) -> dict[str, Figures]:
        self.booking_cycle()
        self.reads()
        self.feeds()
        self.on_call()
        self.sweep()
        self.busy_sweep()
        console_pages(self)
        team_grid(self)
        return self.figures

    def booking_cycle(self) -> None:
        from harness.booking import TUESDAY, at

        base, json_header = self.family.base, {"Content-Type": "application/json"}
        for _ in range(self.runs):
            self.timed("GET slots (14 days)", "GET", f"{base}/slots?from={TUESDAY}&days=14")
            made = self.timed("POST booking", "POST", f"{base}/appointments", json_header,
                              {"start": at(TUESDAY, 10), "location": self.family.office})
            # A move answers with the new appointment; cancelling it frees the day again.
            moved = self.timed("POST move", "POST", f"{base}/appointments/{made['id']}/move",
                               json_header, {"start": at(TUESDAY, 13), "location": "home"})
            self.timed("POST cancel", "POST", f"{base}/appointments/{moved['id']}/cancel")

    def reads(self) -> None:
        for _ in range(self.runs):
            self.timed("GET case", "GET", f"/cases/{self.family.case}", self.coord)

    def feeds(self) -> None:
        from harness.booking import TUESDAY, at

        worker = self.family.workers[0]
        url = self.request("POST", f"/workers/{worker}/feed-tokens", self.coord)[1]["url"]
        _write_agenda(worker, FEED_APPOINTMENTS)
        self.request("POST", f"{self.family.base}/appointments",
                     {"Content-Type": "application/json"},
                     {"start": at(TUESDAY + timedelta(days=1), 10), "location": "home"})
        feed = "/feeds/" + url.rsplit("/feeds/", 1)[1]
        for _ in range(self.runs):
            self.timed(f"GET worker feed ({FEED_APPOINTMENTS})", "GET", feed)
            self.timed("GET family feed", "GET", f"{self.family.base}/calendar.ics")

    def on_call(self) -> None:
        from harness.api import make_worker

        workers = [make_worker(self.client, self.coord) for _ in range(2)]
        for level in ("primary", "secondary"):
            self.request("POST", "/oncall/rotations", self.coord,
                         {"id": f"bench-{level}", "level": level, "workers": workers,
                          "start": "2026-11-02T08:00:00+02:00", "shift_hours": 24})
        for _ in range(self.runs):
            self.timed("GET /oncall/now", "GET", "/oncall/now", self.coord)

    def sweep(self) -> None:
        event = self.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
        figures = self.figures.setdefault("notifications sweep", Figures("notifications sweep"))
        for _ in range(self.runs):
            measure(figures, lambda: 200 if self.client.lambda_.invoke(
                "sweep_notifications", event).payload is not None else 500)


    def busy_sweep(self) -> None:
        """The busy-source sweep over BUSY_SOURCES workers reading one loopback .ics each:
        the first run syncs them all, later runs get 304s (ETag). Round trips per run / N
        is the cost per worker."""
        from chalicelib.store.busy import DynamoBusySources
        from harness.api import make_worker
        from harness.calendar_servers import IcsServer, event_documents

        event = self.client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
        workers = [make_worker(self.client, self.coord) for _ in range(BUSY_SOURCES)]
        with IcsServer(event_documents()) as server:
            for worker in workers:
                self.request("PUT", f"/workers/{worker}/busy-source", self.coord,
                             {"kind": "ics", "url": server.url})
            first = f"busy sweep, first sync ({BUSY_SOURCES} sources)"
            measure(self.figures.setdefault(first, Figures(first)),
                    lambda: self._sweep_busy(event))
            again = f"busy sweep, 304 unchanged ({BUSY_SOURCES} sources)"
            for _ in range(self.runs):
                for worker in workers:  # due again, outside the measured call
                    DynamoBusySources().due_now(worker, datetime.now(UTC))
                measure(self.figures.setdefault(again, Figures(again)),
                        lambda: self._sweep_busy(event))

    def _sweep_busy(self, event) -> int:
        outcomes = self.client.lambda_.invoke("busy_sweep", event).payload
        return 200 if sum(outcomes.values()) == BUSY_SOURCES else 500


def _write_agenda(worker: str, count: int) -> None:
    """Agenda rows as booking writes them, straight into the table (25 per batch)."""
    from chalicelib.store.tx import client, table_name
    from harness.booking import NOW

    for first in range(0, count, 25):
        items = []
        for i in range(first, min(first + 25, count)):
            start = NOW + timedelta(hours=7 * i + 1)
            fields = {"pk": f"AGENDA#{worker}", "sk": f"{start.isoformat()}#bench{i}",
                      "appointment_id": f"bench{i}", "case_id": f"k{i % 9:08x}",
                      "start": start.isoformat(),
                      "end": (start + timedelta(minutes=90)).isoformat(),
                      "location": "home", "kind": "meeting", "status": "booked",
                      "created_at": NOW.isoformat(), "updated_at": NOW.isoformat()}
            items.append({"PutRequest": {"Item": {k: {"S": v} for k, v in fields.items()}
                                         | {"sequence": {"N": "0"}}}})
        client().batch_write_item(RequestItems={table_name(): items})


def time_first_render(runs: int) -> dict:
    """A worker feed's 500 events rendered for the first time (no cached VEVENT block):
    each run draws events with uids of its own, built as the feed builds them."""
    from chalicelib.domain.feeds import AgendaEntry
    from chalicelib.ical import render_calendar
    from chalicelib.services.feeds import CALENDAR_NAME, staff_event
    from harness.booking import NOW

    millis = []
    for run in range(runs):
        events = [staff_event(AgendaEntry(
            f"render{run}-{i}", f"k{i % 9:08x}", NOW + timedelta(hours=7 * i + 1),
            NOW + timedelta(hours=7 * i + 1, minutes=90), "kallio" if i % 3 else "home",
            "meeting", "booked", 0, NOW, NOW), "Kallio" if i % 3 else None)
            for i in range(FEED_APPOINTMENTS)]
        started = time.perf_counter()
        render_calendar(CALENDAR_NAME, events)
        millis.append((time.perf_counter() - started) * 1000)
    figures = Figures(f"first render ({FEED_APPOINTMENTS} events)", status={200}, trips=[0],
                      millis=millis)
    return {**figures.as_json(), "first_ms": round(millis[0], 1), "max_ms": round(max(millis), 1)}


def time_free_slots(runs: int) -> dict:
    """The pure availability calculation for a busy pair over 14 days (no I/O)."""
    from chalicelib.domain.availability import free_slots
    from chalicelib.domain.booking_rules import BookingRules
    from chalicelib.domain.diary import Busy, FamilyLoad, PlaceOption, WorkerDiary
    from chalicelib.domain.intervals import Interval
    from chalicelib.domain.workdays import at_local
    from harness.booking import NOW, TUESDAY

    def span(day: date, start: float, end: float) -> Interval:
        return Interval(at_local(day, int(start), int(start % 1 * 60)),
                        at_local(day, int(end), int(end % 1 * 60)))

    def diary(name: str, shift: int) -> WorkerDiary:
        return WorkerDiary(name, busy=tuple(
            Busy(span(TUESDAY + timedelta(days=n % 14), 8 + (n * 3 + shift) % 10,
                      9.5 + (n * 3 + shift) % 10), f"home:c{n % 5}") for n in range(30)))

    pair = (diary("anna", 0), diary("ben", 1))
    places = [PlaceOption("home", "home:c1"),
              PlaceOption("kallio", "office:kallio", rooms=2, booked=(span(TUESDAY, 9, 11),)),
              PlaceOption("school", "school:c1")]
    millis, found = [], []
    for _ in range(runs):
        started = time.perf_counter()
        found = free_slots(pair, places, FamilyLoad(3), 90, BookingRules(), TUESDAY, 14, NOW)
        millis.append((time.perf_counter() - started) * 1000)
    figures = Figures("free_slots (14 days, busy pair)", status={200}, trips=[0], millis=millis)
    return {**figures.as_json(), "slots": len(found)}
