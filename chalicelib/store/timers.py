"""Finding due timers through the ``due`` index: one Query per day shard, never a Scan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from chalicelib.store.tx import client, table_name, utc_iso

LOOKBACK_DAYS = 7


def due_shards(kind: str, now: datetime, days: int = LOOKBACK_DAYS) -> list[str]:
    """``<kind>#<UTC date>`` for today and the ``days`` days before, oldest first."""
    today = now.astimezone(UTC).date()
    return [f"{kind}#{(today - timedelta(days=n)).isoformat()}" for n in range(days, -1, -1)]


def query_due(kind: str, now: datetime, limit: int = 100) -> Iterator[dict]:
    """Raw items of ``kind`` whose ``due_at`` ≤ ``now``, oldest shard first.

    The index is eventually consistent: callers claim each item with a conditional write
    on the table before acting on it.
    """
    ddb = client()
    found = 0
    for shard in due_shards(kind, now):
        request = {
            "TableName": table_name(), "IndexName": "due",
            "KeyConditionExpression": "due_shard = :s AND due_at <= :now",
            "ExpressionAttributeValues": {":s": {"S": shard},
                                          ":now": {"S": utc_iso(now)}},
        }
        while True:
            page = ddb.query(**request)
            for raw in page.get("Items", []):
                yield raw
                found += 1
                if found >= limit:
                    return
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
