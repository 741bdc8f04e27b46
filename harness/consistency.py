"""After a fault: does every booking hold exactly its locks? Read straight from the table.

A booked appointment holds, for each of its workers, lock ``b<bucket>`` = ``place|id`` in
the worker's calendar week item, and an entry in its family's load week item; nothing
holds a lock or a load entry for an appointment that is not booked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.domain.booking_rules import BookingRules, iso_week_key
from chalicelib.store.appointments import case_appointments
from chalicelib.store.calendar import cal_key, load_key, week_of
from chalicelib.store.tx import batch_get

RULES = BookingRules()
SINCE = datetime(2000, 1, 1, tzinfo=UTC)
LOCK = re.compile(r"b\d+")
LOAD = re.compile(r"d\d+")


def lock_problems(case_ids, workers, weeks) -> list[str]:
    """What is inconsistent among ``case_ids``' appointments and ``workers``' calendars
    in ``weeks`` (ISO week keys, e.g. ``2026-W49``) plus the weeks the bookings are in;
    an empty list when every booking holds exactly its locks."""
    booked = {a.id: a for c in case_ids for a in case_appointments(c, SINCE) if a.booked}
    weeks = set(weeks) | {week_of(b, RULES) for a in booked.values() for b in a.buckets}
    keys = [cal_key(w, wk) for w in workers for wk in weeks]
    keys += [load_key(c, wk) for c in case_ids for wk in weeks]
    items = {}
    for start in range(0, len(keys), 100):
        items |= batch_get(keys[start:start + 100], consistent=True)
    problems = []
    for a in booked.values():
        for worker in a.workers:
            for bucket in a.buckets:
                held = items.get(cal_key(worker, week_of(bucket, RULES)), {}).get(f"b{bucket}")
                if held != f"{a.place}|{a.id}":
                    problems.append(f"{a.id}: lock b{bucket} of {worker} is {held!r}")
        entries = items.get(load_key(a.case_id, iso_week_key(a.start)), {})
        if not any(e.endswith(f"|{a.id}") for k, v in entries.items() if LOAD.fullmatch(k)
                   for e in v):
            problems.append(f"{a.id}: no load entry for its family")
    for (pk, _), item in items.items():
        calendar = pk.startswith("CAL#")
        for attr, value in item.items():
            names = [value] if calendar and LOCK.fullmatch(attr) else \
                value if not calendar and LOAD.fullmatch(attr) else []
            for name in names:
                if name.rpartition("|")[2] not in booked:
                    problems.append(f"{pk} {attr} holds {name!r}, which is not booked")
    return problems
