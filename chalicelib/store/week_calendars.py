"""Reading many workers' calendar week items at once, for the console's week and team views.

The items are the booking locks of ``calendar.py`` (``pk=CAL#<worker>``, ``sk=<ISO week>``):
appointments, absences, extra hours and synced busy times are all on them, so a team's two
weeks are ONE BatchGetItem of workers × weeks keys (up to 100 keys: 50 workers × 2 weeks;
a bigger team costs one more per 100 keys). Absences carry their reason code in the value
(``"<reason>|<absence id>"``; older ones only the id).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from chalicelib.domain.booking_rules import BookingRules, bucket_start
from chalicelib.domain.diary import WorkerDiary
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local
from chalicelib.store.calendar import attr_day, cal_key, diary_from_items
from chalicelib.store.tx import batch_get

BATCH = 100  # BatchGetItem's limit


def read_diaries(worker_ids, weeks: list[str], rules: BookingRules
                 ) -> tuple[dict[str, WorkerDiary], dict[str, list[dict]]]:
    """Each worker's diary over ``weeks`` and their raw week items (for the reasons).

    One BatchGetItem per 100 keys (eventually consistent: a view, not a lock)."""
    workers = list(dict.fromkeys(worker_ids))
    keys = [cal_key(w, week) for w in workers for week in weeks]
    items: dict[tuple[str, str], dict] = {}
    for first in range(0, len(keys), BATCH):
        items.update(batch_get(keys[first:first + BATCH]))
    raw = {w: [items.get(cal_key(w, week), {}) for week in weeks] for w in workers}
    return {w: diary_from_items(w, raw[w], rules) for w in workers}, raw


def absence_reasons(items: list[dict], rules: BookingRules) -> list[tuple[Interval, str]]:
    """Each absence's time and reason code (``""`` when it was recorded without one)."""
    parts: dict[str, list[Interval]] = defaultdict(list)
    reason_of: dict[str, str] = {}
    for item in items:
        for attr, value in item.items():
            kind, rest = attr[:1], attr[1:]
            if kind not in "aA" or not rest.isdigit():
                continue
            reason, _, absence = str(value).rpartition("|")
            reason_of[absence] = reason
            if kind == "a":
                bucket = int(rest)
                parts[absence].append(Interval(bucket_start(bucket, rules),
                                               bucket_start(bucket + 1, rules)))
            else:
                day = attr_day(rest)
                parts[absence].append(Interval(at_local(day, 0),
                                               at_local(day + timedelta(days=1), 0)))
    return sorted(((Interval(min(p.start for p in spans), max(p.end for p in spans)),
                    reason_of[absence]) for absence, spans in parts.items()),
                  key=lambda found: found[0].start)
