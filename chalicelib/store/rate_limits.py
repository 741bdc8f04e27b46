"""Request counters per key and fixed time window, e.g. a family link's help requests.

Item: ``pk=LIMIT#<key>`` ``sk=WINDOW#<window start, UTC>`` with ``hits`` and the TTL
``expires``. One conditional ``UpdateItem`` counts a request only while ``hits`` is
below the limit, so parallel requests never get past it together (DynamoDB applies a
conditional update atomically). :class:`InMemoryRateLimits` is the twin.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta

from chalicelib.store import tx as raw


def window_of(now: datetime, window: timedelta) -> tuple[datetime, datetime]:
    """The fixed window holding ``now``: (start, end), aligned to the epoch."""
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)
    return start, start + window


def _seconds_left(end: datetime, now: datetime) -> int:
    return max(1, math.ceil((end - now).total_seconds()))


class DynamoRateLimits:
    """Counters in the table."""

    def take(self, key: str, now: datetime, limit: int, window: timedelta) -> int | None:
        """Count one request; None when allowed, else the seconds until the window ends."""
        start, end = window_of(now, window)
        ddb = raw.client()
        try:
            ddb.update_item(
                TableName=raw.table_name(), Key=raw.key(f"LIMIT#{key}",
                                                        f"WINDOW#{raw.utc_iso(start)}"),
                UpdateExpression="ADD hits :one SET expires = :expires",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(limit)},
                                           ":expires": {"N": str(int(end.timestamp()) + 3600)}})
        except ddb.exceptions.ConditionalCheckFailedException:
            return _seconds_left(end, now)
        return None


class InMemoryRateLimits:
    """The same counting over a dict."""

    def __init__(self):
        self.hits: dict[tuple[str, datetime], int] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: datetime, limit: int, window: timedelta) -> int | None:
        """As :meth:`DynamoRateLimits.take`."""
        start, end = window_of(now, window)
        with self._lock:
            if self.hits.get((key, start), 0) >= limit:
                return _seconds_left(end, now)
            self.hits[(key, start)] = self.hits.get((key, start), 0) + 1
        return None
