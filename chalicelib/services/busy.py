"""Busy times from workers' own calendars: set, show and remove a source; sync one; sweep.

A sync reads the source (``sources.readers``), lays the busy intervals of the next
``SYNC_DAYS`` on the grid and writes only the weeks that changed. A source that fails keeps
its last good cells, records ``last_error`` (host and reason, never a URL's secret) and
counts ``BusySourceFailed``.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor, require_self_or_coordinator
from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.busy_times import BusySource, clipped, window
from chalicelib.domain.errors import NotFound
from chalicelib.notify import metrics
from chalicelib.services.directory import get_worker
from chalicelib.sources.guard import FetchError
from chalicelib.store.busy import DynamoBusySources, WeekCells, week_cells, with_outcome

SWEEP_EVERY = timedelta(minutes=10)
SWEEP_LIMIT = 25  # sources per sweep run: bounded work (a run reads each one over HTTP)
SWEEP_SECONDS = 40.0  # no new read after this: a Graph read alone may take 4 x 5 s
QUEUE = "tapaamo-busy-sync"  # infra/template.yaml BusySyncQueue

log = logging.getLogger("tapaamo.busy")


def put_source(store: DynamoBusySources, directory, actor: Actor, source: BusySource,
               now: datetime) -> BusySource:
    """Set the worker's source (coordinator or the worker); it is synced within minutes.

    Raises:
        NotFound: no such worker.
    """
    require_self_or_coordinator(actor, source.worker_id)
    get_worker(directory, source.worker_id)
    store.put(source, now)
    return show(store, actor, source.worker_id)


def show(store: DynamoBusySources, actor: Actor, worker_id: str) -> BusySource:
    """The worker's source and how its last sync went.

    Raises:
        NotFound: the worker has no busy source.
    """
    require_self_or_coordinator(actor, worker_id)
    found = store.get(worker_id)
    if found is None:
        raise NotFound("this worker has no busy source")
    return found[0]


def remove(store: DynamoBusySources, actor: Actor, worker_id: str) -> None:
    """Remove the source and the busy times it brought (idempotent)."""
    require_self_or_coordinator(actor, worker_id)
    store.delete(worker_id)


def request_sync(store: DynamoBusySources, send: Callable[[str], None], actor: Actor,
                 worker_id: str, now: datetime) -> None:
    """Make the source due now and ask the queue handler to sync it at once.

    The message is a hint: if it is lost, the next sweep finds the source due.

    Raises:
        NotFound: the worker has no busy source.
    """
    require_self_or_coordinator(actor, worker_id)
    if not store.due_now(worker_id, now):
        raise NotFound("this worker has no busy source")
    send(json.dumps({"worker": worker_id}))


def worker_of(body: str) -> str | None:
    """The worker an on-demand sync message names (None for a body that is not one)."""
    try:
        worker = json.loads(body)["worker"]
    except (ValueError, KeyError, TypeError):
        return None
    return worker if isinstance(worker, str) else None


def sync_worker(store: DynamoBusySources, read, worker_id: str, now: datetime,
                rules: BookingRules) -> str:
    """Sync one worker's source now (the queue handler). Returns the outcome."""
    found = store.get(worker_id)
    if found is None:
        return "none"
    return sync(store, read, found[0], found[1], now, rules)


def sweep(store: DynamoBusySources, read, now: datetime, rules: BookingRules,
          limit: int = SWEEP_LIMIT, budget: float = SWEEP_SECONDS,
          elapsed: Callable[[], float] | None = None) -> Counter:
    """Sync up to ``limit`` due sources, oldest due first, starting none after ``budget``
    seconds (each read may take its 5 s timeout; the function has 60 s): what is left
    stays due for the next run. Returns outcome counts."""
    elapsed = elapsed or _stopwatch()
    outcomes: Counter = Counter()
    for source, due_at in store.due(now, limit):
        if elapsed() > budget:
            outcomes["deferred"] += 1
            continue
        outcomes[sync(store, read, source, due_at, now, rules)] += 1
    log.info("busy sweep: %s", dict(outcomes))
    return outcomes


def _stopwatch() -> Callable[[], float]:
    started = time.monotonic()
    return lambda: time.monotonic() - started


def sync(store: DynamoBusySources, read, source: BusySource, seen_due_at: str | None,
         now: datetime, rules: BookingRules) -> str:
    """Claim, read and write one source.

    Args:
        read: ``read(source, span)`` -> ``Reading`` (``sources.readers.read`` with access).
        seen_due_at: the ``due_at`` the caller saw: the claim holds only if it is current.

    Returns:
        ``synced``, ``unchanged`` (304), ``failed``, or ``skipped`` (another run has it).
    """
    lease = secrets.token_hex(8)
    if not store.claim(source.worker_id, seen_due_at, lease, now + SWEEP_EVERY):
        return "skipped"
    span = window(now)
    try:
        reading = read(source, span)
    except FetchError as error:
        store.fail(source.worker_id, lease, str(error)[:200], now)
        metrics.emit("BusySourceFailed", 1, now, kind=source.kind)
        log.warning("busy source of %s failed: %s", source.worker_id, error)
        return "failed"
    if reading.intervals is None:
        store.commit(source, lease, {}, {}, now)
        return "unchanged"
    busy = clipped(reading.intervals, span)
    wanted = week_cells(busy, rules)
    current = store.weeks(source.worker_id, sorted(set(wanted) | set(source.weeks)))
    target = {w: wanted.get(w, WeekCells(w, {})) for w in current}
    done = with_outcome(source, reading.etag, len(busy), list(wanted))
    if not store.commit(done, lease, current, target, now):
        return "skipped"
    return "synced"

