"""The in-memory twin of :class:`chalicelib.store.busy.DynamoBusySources`, for fast service
tests: the same methods, the same claim and digest rules, over dicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.busy_times import BusySource
from chalicelib.store.busy import WeekCells, due_fields
from chalicelib.store.tx import utc_iso


class InMemoryBusySources:
    def __init__(self):
        self.sources: dict[str, tuple[BusySource, dict]] = {}  # worker -> (source, timer)
        self.cells: dict[tuple[str, str], WeekCells] = {}  # (worker, week) -> its cells

    def get(self, worker_id: str) -> tuple[BusySource, str | None] | None:
        found = self.sources.get(worker_id)
        return (found[0], found[1].get("due_at")) if found else None

    def put(self, source: BusySource, now: datetime) -> None:
        kept = self.sources.get(source.worker_id)
        fresh = replace(source, etag=None, last_sync_at=None, last_error=None,
                        busy_count=kept[0].busy_count if kept else 0,
                        weeks=kept[0].weeks if kept else ())
        self.sources[source.worker_id] = (fresh, due_fields(now))

    def due_now(self, worker_id: str, now: datetime) -> bool:
        if worker_id not in self.sources:
            return False
        source, timer = self.sources[worker_id]
        self.sources[worker_id] = (source, {**timer, **due_fields(now)})
        return True

    def claim(self, worker_id: str, seen_due_at: str | None, lease: str,
              next_at: datetime) -> bool:
        found = self.sources.get(worker_id)
        if found is None or found[1].get("due_at") != seen_due_at:
            return False
        self.sources[worker_id] = (found[0], {**due_fields(next_at), "lease": lease})
        return True

    def due(self, now: datetime, limit: int) -> list[tuple[BusySource, str]]:
        due = sorted((timer["due_at"], worker) for worker, (_, timer) in self.sources.items()
                     if timer["due_at"] <= utc_iso(now))
        return [(self.sources[w][0], at) for at, w in due[:limit]]

    def weeks(self, worker_id: str, weeks: list[str]) -> dict[str, WeekCells]:
        return {w: self.cells.get((worker_id, w), WeekCells(w, {})) for w in weeks}

    def commit(self, source: BusySource, lease: str, old: dict[str, WeekCells],
               new: dict[str, WeekCells], now: datetime) -> bool:
        if not self._holds(source.worker_id, lease):
            return False
        if any(self.weeks(source.worker_id, [w])[w].attrs != old.get(w, WeekCells(w, {})).attrs
               for w in new):
            return False
        for week, cells in new.items():
            self.cells[(source.worker_id, week)] = cells
        timer = self.sources[source.worker_id][1]
        self.sources[source.worker_id] = (replace(source, last_sync_at=now, last_error=None),
                                          timer)
        return True

    def fail(self, worker_id: str, lease: str, error: str, now: datetime) -> bool:
        if not self._holds(worker_id, lease):
            return False
        source, timer = self.sources[worker_id]
        self.sources[worker_id] = (replace(source, last_error=error), timer)
        return True

    def delete(self, worker_id: str) -> bool:
        found = self.sources.pop(worker_id, None)
        if found is None:
            return False
        for week in found[0].weeks:
            self.cells.pop((worker_id, week), None)
        return True

    def _holds(self, worker_id: str, lease: str) -> bool:
        found = self.sources.get(worker_id)
        return found is not None and found[1].get("lease") == lease
