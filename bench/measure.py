"""Counting DynamoDB round trips on every botocore client, and latency percentiles."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.round_trips import dynamodb_requests


@dataclass
class Figures:
    """What one endpoint did over its runs."""

    name: str
    status: set[int] = field(default_factory=set)
    trips: list[int] = field(default_factory=list)
    scans: int = 0
    first: Counter[str] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    millis: list[float] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"status": sorted(self.status), "round_trips_max": max(self.trips),
                "round_trips_median": statistics.median(self.trips), "scans": self.scans,
                "operations_first": dict(self.first),
                "operations_last": dict(self.operations), "runs": len(self.millis),
                "p50_ms": round(percentile(self.millis, 50), 2),
                "p95_ms": round(percentile(self.millis, 95), 2)}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation, so it is a latency that happened)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def measure(figures: Figures, request: Callable[[], int]) -> None:
    """Run ``request`` once, adding its status, round trips and wall time to ``figures``."""
    with dynamodb_requests() as requests:
        started = time.perf_counter()
        status = request()
        elapsed = (time.perf_counter() - started) * 1000
    calls = Counter(requests)
    figures.status.add(status)
    figures.trips.append(sum(calls.values()))
    figures.scans += calls["Scan"]
    figures.operations = calls
    if len(figures.trips) == 1:
        figures.first = calls
    figures.millis.append(elapsed)
