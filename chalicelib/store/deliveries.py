"""Outbox deliveries in DynamoDB: find due messages, claim them, record the outcome.

Every state change is one conditional ``UpdateItem`` on the message. The claim needs the
message to be ``queued`` and due (or ``sending`` with an expired lease, once), and moves
``due_at`` a lease ahead, so a second sweep that read the same index entry fails its
condition and sends nothing. Recording needs ``status = sending`` and the ``attempts`` of
our own claim: a worker whose lease ran out cannot overwrite a newer claim.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.domain.delivery import LEASE, Delivery
from chalicelib.store.outbox import DUE_KIND, OutboxItem, due_fields
from chalicelib.store.timers import query_due
from chalicelib.store.tx import batch_get, client, key, table_name, to_dynamo

_INSTANT = UTCDateTimeAttribute()


def delivery_from_item(item: OutboxItem, recovered: bool = False) -> Delivery:
    params = item.params.as_dict() if hasattr(item.params, "as_dict") else item.params
    return Delivery(
        id=item.pk.removeprefix("NOTE#"), kind=item.kind, channel=item.channel,
        recipient=item.recipient, language=item.language, status=item.status,
        attempts=int(item.attempts or 0),
        due_at=datetime.fromisoformat(item.due_at) if item.due_at else None,
        created_at=item.created_at, params=dict(params or {}), case_id=item.case_id,
        escalation_id=item.escalation_id, sent_at=item.sent_at,
        provider_id=item.provider_id, last_error=item.last_error, recovered=recovered,
    )


def _delivery(raw: dict) -> Delivery:
    # ``recovered`` is written only by :func:`reclaim`; the model does not declare it.
    return delivery_from_item(OutboxItem.from_raw_data(raw), recovered="recovered" in raw)


def find_due(now: datetime, limit: int = 100) -> list[Delivery]:
    """Messages due for (re)delivery at ``now``, as the index saw them."""
    return [_delivery(raw) for raw in query_due(DUE_KIND, now, limit)]


def get_many(note_ids: list[str]) -> list[Delivery]:
    """The named messages as stored now (strongly consistent; unknown ids are left out)."""
    keys = [(f"NOTE#{note_id}", "NOTE") for note_id in dict.fromkeys(note_ids)]
    found = batch_get(keys, consistent=True, raw=True)
    return [_delivery(found[k]) for k in keys if k in found]


def _update(note_id: str, expression: str, condition: str, values: dict,
            names: dict | None = None) -> Delivery | None:
    """One conditional update; the new state, or None when the condition failed."""
    ddb = client()
    params = {
        "TableName": table_name(), "Key": key(f"NOTE#{note_id}", "NOTE"),
        "UpdateExpression": expression, "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#st": "status", **(names or {})},
        "ExpressionAttributeValues": {k: to_dynamo(v) for k, v in values.items()},
        "ReturnValues": "ALL_NEW",
    }
    try:
        return _delivery(ddb.update_item(**params)["Attributes"])
    except ddb.exceptions.ConditionalCheckFailedException:
        return None


def _lease(now: datetime) -> dict:
    due = due_fields(DUE_KIND, now + LEASE)
    return {":shard": due["due_shard"], ":lease": due["due_at"]}


def claim(seen: Delivery, now: datetime) -> Delivery | None:
    """Take a queued, due message for one delivery attempt (None: someone else has it)."""
    return _update(
        seen.id,
        "SET #st = :sending, attempts = attempts + :one, due_shard = :shard, due_at = :lease",
        "#st = :queued AND due_at <= :now",
        {":sending": "sending", ":queued": "queued", ":one": 1, ":now": _iso(now),
         **_lease(now)},
    )


def reclaim(seen: Delivery, now: datetime) -> Delivery | None:
    """Take a message whose sender died mid-delivery (lease expired), at most once."""
    return _update(
        seen.id,
        "SET attempts = attempts + :one, due_shard = :shard, due_at = :lease, "
        "recovered = :now",
        "#st = :sending AND due_at = :seen AND attribute_not_exists(recovered)",
        {":sending": "sending", ":one": 1, ":now": _iso(now), ":seen": _iso(seen.due_at),
         **_lease(now)},
    )


def mark_sent(claimed: Delivery, provider_id: str, now: datetime) -> bool:
    """Record a successful send; False if our claim was lost meanwhile."""
    return _update(
        claimed.id, "SET #st = :sent, sent_at = :now, provider_id = :pid "
        "REMOVE due_shard, due_at", "#st = :sending AND attempts = :n",
        {":sent": "sent", ":sending": "sending", ":now": _INSTANT.serialize(now),
         ":pid": provider_id, ":n": claimed.attempts},
    ) is not None


def mark_retry(claimed: Delivery, error: str, at: datetime) -> bool:
    """Put the message back in the queue until ``at``."""
    due = due_fields(DUE_KIND, at)
    return _update(
        claimed.id, "SET #st = :queued, last_error = :err, due_shard = :shard, due_at = :at",
        "#st = :sending AND attempts = :n",
        {":queued": "queued", ":sending": "sending", ":err": error[:500],
         ":shard": due["due_shard"], ":at": due["due_at"], ":n": claimed.attempts},
    ) is not None


def mark_failed(claimed: Delivery, error: str) -> bool:
    """Give up for good: ``failed``, out of the due index, still listed for the case."""
    return _update(
        claimed.id, "SET #st = :failed, last_error = :err REMOVE due_shard, due_at",
        "#st = :sending AND attempts = :n AND due_at = :seen",
        {":failed": "failed", ":sending": "sending", ":err": error[:500],
         ":n": claimed.attempts, ":seen": _iso(claimed.due_at)},
    ) is not None


def list_for(parent: str) -> list[Delivery]:
    """Messages of ``CASE#<id>`` or ``ESC#<id>``, oldest first (``by_parent`` index)."""
    ddb = client()
    request = {"TableName": table_name(), "IndexName": "by_parent",
               "KeyConditionExpression": "gsi1pk = :p",
               "ExpressionAttributeValues": {":p": {"S": f"{parent}#NOTES"}}}
    found = []
    while True:
        page = ddb.query(**request)
        found += [_delivery(raw) for raw in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _iso(instant: datetime) -> str:
    return due_fields(DUE_KIND, instant)["due_at"]
