"""Finding due timers through the ``due`` index: one Query per kind, never a Scan.

Every pending timer of a kind shares one index partition (``due_shard = <kind>``) sorted
by ``due_at``, so a sweep with nothing due costs one Query that reads nothing, and a sweep
with work reads just the due items. Before, the partition was ``<kind>#<UTC date>`` and a
sweep queried eight days of them whether anything was due or not (issue 22); a county's
pending timers (thousands) are far below what one index partition serves.
``python -m chalicelib.cli reshard-timers`` moves timers written the old way.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from chalicelib.store.tx import client, table_name, utc_iso


def query_due(kind: str, now: datetime, limit: int = 100) -> Iterator[dict]:
    """Raw items of ``kind`` whose ``due_at`` ≤ ``now``, oldest first, at most ``limit``.

    The index is eventually consistent: callers claim each item with a conditional write
    on the table before acting on it.
    """
    ddb = client()
    request = {
        "TableName": table_name(), "IndexName": "due", "Limit": limit,
        "KeyConditionExpression": "due_shard = :s AND due_at <= :now",
        "ExpressionAttributeValues": {":s": {"S": kind}, ":now": {"S": utc_iso(now)}},
    }
    found = 0
    while True:
        page = ddb.query(**request)
        for raw in page.get("Items", []):
            yield raw
            found += 1
            if found >= limit:
                return
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def legacy_shards(kind: str, around: datetime, days: int) -> list[str]:
    """The old per-day partitions ``<kind>#<UTC date>`` within ``days`` of ``around``."""
    today = around.astimezone(UTC).date()
    return [f"{kind}#{(today + timedelta(days=n)).isoformat()}" for n in range(-days, days + 1)]


def reshard(kinds: tuple[str, ...], now: datetime, days: int = 400) -> int:
    """Move every timer still in an old per-day partition to its kind's one partition.

    Idempotent and safe beside running sweeps: each move is conditioned on the old
    partition value, so a timer a sweep changed meanwhile is left as the sweep wrote it.
    Returns the number of timers moved.
    """
    ddb, moved = client(), 0
    for kind in kinds:
        for shard in legacy_shards(kind, now, days):
            request = {"TableName": table_name(), "IndexName": "due",
                       "KeyConditionExpression": "due_shard = :s",
                       "ExpressionAttributeValues": {":s": {"S": shard}},
                       "ProjectionExpression": "pk, sk"}
            while True:
                page = ddb.query(**request)
                for raw in page.get("Items", []):
                    moved += _move(ddb, raw, shard, kind)
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return moved


def _move(ddb, raw: dict, old: str, kind: str) -> int:
    try:
        ddb.update_item(TableName=table_name(), Key={"pk": raw["pk"], "sk": raw["sk"]},
                        UpdateExpression="SET due_shard = :new",
                        ConditionExpression="due_shard = :old",
                        ExpressionAttributeValues={":new": {"S": kind}, ":old": {"S": old}})
    except ddb.exceptions.ConditionalCheckFailedException:
        return 0
    return 1
