"""A worker's busy source and the busy cells a sync writes onto their calendar weeks.

Item layout (one table, see ``table.py``):

* source ``pk=BUSY#<worker>`` ``sk=SOURCE``: kind, url, mailbox, username, secret_ref (a
  name, never the secret), etag, last_sync_at, last_error, busy_count, weeks (ISO weeks
  holding its cells), ``lease`` (the claim of the sync under way) and the sweep's timer
  ``due_shard=busy``/``due_at``: every source is always due at some time, so
  the sweep finds them through the ``due`` index, never a Scan.
* the cells themselves live on the worker's calendar week items (``calendar.py``:
  ``x<bucket>``, ``X<YYYYMMDD>``, ``xh``), so the slot engine reads them in its one batch
  read and the booking transaction is conditioned on them.

A sync claims the source (a conditional write on the ``due_at`` it saw: two sweeps never
both win), and commits the changed weeks and the outcome in ONE transaction conditioned
on its claim and on each week's digest ``xh`` as read: a run that lost its claim, or read
weeks another run has since changed, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.booking_rules import BookingRules, bucket_start, iso_week_key
from chalicelib.domain.busy_times import BusySource, to_cells
from chalicelib.store.calendar import cal_key, day_attr
from chalicelib.store import outbox
from chalicelib.store.timers import query_due
from chalicelib.store.tx import (Transaction, batch_get, client, committed,
                                 from_dynamo, key, table_name, to_dynamo, utc_iso)

KIND = "busy"
FIELDS = ("kind", "url", "mailbox", "username", "secret_ref")


def source_key(worker_id: str) -> tuple[str, str]:
    return f"BUSY#{worker_id}", "SOURCE"


def due_fields(at: datetime) -> dict:
    return outbox.due_fields(KIND, at)


def source_from_item(item: dict) -> BusySource:
    synced = item.get("last_sync_at")
    return BusySource(
        worker_id=item["pk"].removeprefix("BUSY#"), kind=item["kind"],
        **{f: item.get(f) for f in FIELDS[1:]}, etag=item.get("etag"),
        last_sync_at=datetime.fromisoformat(synced) if synced else None,
        last_error=item.get("last_error"), busy_count=int(item.get("busy_count", 0)),
        weeks=tuple(item.get("weeks") or ()))


@dataclass(frozen=True)
class WeekCells:
    """One calendar week's busy attributes (``x<bucket>``/``X<day>`` -> value)."""

    week: str
    attrs: dict[str, object]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.attrs, sort_keys=True).encode()).hexdigest()[:16]


def _busy_attrs(item: dict) -> dict[str, object]:
    return {a: v for a, v in item.items() if a[:1] in "xX" and a[1:].isdigit()}


class DynamoBusySources:
    """The busy-source repository on DynamoDB."""

    def get(self, worker_id: str) -> tuple[BusySource, str | None] | None:
        """The source and its ``due_at`` (what a claim is conditioned on), or None."""
        item = batch_get([source_key(worker_id)], consistent=True).get(source_key(worker_id))
        return (source_from_item(item), item.get("due_at")) if item else None

    def put(self, source: BusySource, now: datetime) -> None:
        """Create or replace the source's settings; due at once. The cells of the old
        source stay until the new one's first sync replaces them (``weeks`` is kept)."""
        values = {f: getattr(source, f) for f in FIELDS if getattr(source, f) is not None}
        values.update(due_fields(now))
        removed = [f for f in (*FIELDS, "etag", "last_error", "last_sync_at", "lease")
                   if f not in values]
        self._update(source.worker_id, values, removed)

    def due_now(self, worker_id: str, now: datetime) -> bool:
        """Make the source due at ``now`` (an on-demand sync); False when it has none."""
        return self._update(worker_id, due_fields(now), [], "attribute_exists(pk)")

    def claim(self, worker_id: str, seen_due_at: str | None, lease: str,
              next_at: datetime) -> bool:
        """Take the sync of one source: True for exactly one of racing claimers."""
        condition = "due_at = :seen" if seen_due_at else "attribute_not_exists(due_at)"
        extra = {":seen": to_dynamo(seen_due_at)} if seen_due_at else {}
        return self._update(worker_id, {**due_fields(next_at), "lease": lease}, [],
                            f"attribute_exists(pk) AND {condition}", extra)

    def due(self, now: datetime, limit: int) -> list[tuple[BusySource, str]]:
        """(source, due_at) of up to ``limit`` sources due by ``now``, oldest first (the
        index may lag: a claim checks ``due_at`` on the table)."""
        found = (from_dynamo(raw) for raw in query_due(KIND, now, limit))
        return [(source_from_item(item), item["due_at"]) for item in found]

    def weeks(self, worker_id: str, weeks: list[str]) -> dict[str, WeekCells]:
        """The busy attributes now on ``weeks`` of the worker's calendar: one round trip."""
        items = batch_get([cal_key(worker_id, w) for w in weeks], consistent=True)
        return {w: WeekCells(w, _busy_attrs(items.get(cal_key(worker_id, w), {})))
                for w in weeks}

    def commit(self, source: BusySource, lease: str, old: dict[str, WeekCells],
               new: dict[str, WeekCells], now: datetime) -> bool:
        """Write the changed weeks and the sync's outcome; False when the claim was lost
        or a week changed since it was read (nothing is written then)."""
        tx = Transaction()
        for week, cells in new.items():
            before = old.get(week, WeekCells(week, {}))
            if cells.attrs != before.attrs:
                _week_change(tx, source.worker_id, before, cells)
        outcome = {"last_sync_at": utc_iso(now), "busy_count": source.busy_count,
                   "weeks": list(source.weeks)}
        if source.etag:
            outcome["etag"] = source.etag
        self._source_update(tx, source.worker_id, outcome,
                            [] if source.etag else ["etag"], lease, remove_error=True)
        return committed(tx)

    def fail(self, worker_id: str, lease: str, error: str, now: datetime) -> bool:
        """Record a failed read; the last good cells stay."""
        tx = Transaction()
        self._source_update(tx, worker_id, {"last_error": error, "failed_at": utc_iso(now)},
                            [], lease)
        return committed(tx)

    def delete(self, worker_id: str) -> bool:
        """Remove the source and every cell it wrote; False when there was none."""
        found = self.get(worker_id)
        if found is None:
            return False
        source = found[0]
        tx = Transaction()
        for cells in self.weeks(worker_id, list(source.weeks)).values():
            if cells.attrs:
                _week_change(tx, worker_id, cells, WeekCells(cells.week, {}))
        tx.delete(*source_key(worker_id), label="source")
        return committed(tx)

    def _source_update(self, tx, worker_id, values, removed, lease, remove_error=False):
        names = {f"#f{i}": f for i, f in enumerate(values)}
        sets = [f"#f{i} = :f{i}" for i in range(len(values))]
        gone = [*removed, *(["last_error", "failed_at"] if remove_error else [])]
        names.update({f"#r{i}": f for i, f in enumerate(gone)})
        expression = "SET " + ", ".join(sets)
        if gone:
            expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(gone)))
        tx.update(*source_key(worker_id), expression, "source", "lease = :lease",
                  {**names}, {**{f":f{i}": v for i, v in enumerate(values.values())},
                              ":lease": lease})

    def _update(self, worker_id, values, removed, condition=None, extra=None) -> bool:
        names = {f"#f{i}": f for i, f in enumerate(values)}
        names.update({f"#r{i}": f for i, f in enumerate(removed)})
        expression = "SET " + ", ".join(f"#f{i} = :f{i}" for i in range(len(values)))
        if removed:
            expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removed)))
        params = {"TableName": table_name(), "Key": key(*source_key(worker_id)),
                  "UpdateExpression": expression, "ExpressionAttributeNames": names,
                  "ExpressionAttributeValues": {
                      **{f":f{i}": to_dynamo(v) for i, v in enumerate(values.values())},
                      **(extra or {})}}
        if condition:
            params["ConditionExpression"] = condition
        ddb = client()
        try:
            ddb.update_item(**params)
        except ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True


def _week_change(tx: Transaction, worker_id: str, before: WeekCells, after: WeekCells) -> None:
    """One week's busy attributes from ``before`` to ``after``, if still ``before``."""
    names, values, sets = {"#h": "xh"}, {":old": before.digest}, []
    for i, (attr, value) in enumerate(sorted(after.attrs.items())):
        names[f"#s{i}"] = attr
        values[f":s{i}"] = value
        sets.append(f"#s{i} = :s{i}")
    gone = sorted(set(before.attrs) - set(after.attrs))
    names.update({f"#g{i}": attr for i, attr in enumerate(gone)})
    values[":new"] = after.digest
    expression = "SET " + ", ".join([*sets, "#h = :new"])
    if gone:
        expression += " REMOVE " + ", ".join(f"#g{i}" for i in range(len(gone)))
    # A week never synced has no digest: it must still have none.
    condition = "#h = :old" if before.attrs else "attribute_not_exists(#h) OR #h = :old"
    tx.update(*cal_key(worker_id, before.week), expression, f"week:{before.week}", condition,
              names, values)


def with_outcome(source: BusySource, etag: str | None, count: int, weeks) -> BusySource:
    return replace(source, etag=etag, busy_count=count, weeks=tuple(sorted(weeks)))


def week_cells(busy, rules: BookingRules) -> dict[str, WeekCells]:
    """The calendar attributes of ``busy`` grouped by the ISO week items they go on."""
    laid = to_cells(busy, rules)
    weeks: dict[str, dict[str, object]] = {}
    for bucket, (first, last) in laid.cells.items():
        week = iso_week_key(bucket_start(bucket, rules))
        weeks.setdefault(week, {})[f"x{bucket}"] = [first, last]
    for day in laid.days:
        year, number, _ = day.isocalendar()
        weeks.setdefault(f"{year}-W{number:02d}", {})[day_attr("X", day)] = 1
    return {week: WeekCells(week, attrs) for week, attrs in weeks.items()}
