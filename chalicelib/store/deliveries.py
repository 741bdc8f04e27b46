"""Outbox deliveries in DynamoDB: find due messages, claim them, record the outcome.

Every state change is one conditional ``UpdateItem`` on the message. The claim needs the
message to be ``queued`` and due (or ``sending`` with an expired lease, once), and moves
``due_at`` a lease ahead, so a second sweep that read the same index entry fails its
condition and sends nothing. The sweep claims its queued messages together
(:meth:`DynamoDeliveries.claim_many`: one transaction of such updates), so a run costs its
index Query, one claim and one record per message sent. Recording needs ``status = sending`` and the ``attempts`` of
our own claim: a worker whose lease ran out cannot overwrite a newer claim.

:class:`InMemoryDeliveries` is the twin with the same methods and conditions, for service
tests; ``tests/integration/test_delivery_store.py`` runs one suite against both.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.domain.delivery import Delivery, lease_of
from chalicelib.domain.errors import Unavailable
from chalicelib.domain.notification import Notification
from chalicelib.notify.templates import check_params
from chalicelib.store.outbox import DUE_KIND, OutboxItem, due_fields, enqueue, parent_of
from chalicelib.store.timers import query_due
from chalicelib.store.tx import (
    Transaction,
    TransactionCancelled,
    batch_get,
    client,
    key,
    table_name,
    to_dynamo,
)

_INSTANT = UTCDateTimeAttribute()
MAX_CLAIMS = 100  # operations in one DynamoDB transaction


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
    # ``recovered`` is written only by ``reclaim``; the model does not declare it.
    return delivery_from_item(OutboxItem.from_raw_data(raw), recovered="recovered" in raw)


def _iso(instant: datetime) -> str:
    return due_fields(DUE_KIND, instant)["due_at"]


def _lease(now: datetime, kind: str) -> dict:
    due = due_fields(DUE_KIND, now + lease_of(kind))
    return {":shard": due["due_shard"], ":lease": due["due_at"]}


class DynamoDeliveries:
    """The outbox's delivery states on DynamoDB."""

    def add(self, note: Notification, now: datetime) -> bool:
        """Queue ``note`` on its own (False: that event was queued before)."""
        tx = Transaction()
        enqueue(tx, note, now)
        try:
            tx.commit()
        except TransactionCancelled:
            return False
        return True

    def find_due(self, now: datetime, limit: int = 100) -> list[Delivery]:
        """Messages due for (re)delivery at ``now``, as the index saw them."""
        return [_delivery(raw) for raw in query_due(DUE_KIND, now, limit)]

    def get_many(self, note_ids: list[str]) -> list[Delivery]:
        """The named messages as stored now (strongly consistent; unknown ids left out)."""
        keys = [(f"NOTE#{note_id}", "NOTE") for note_id in dict.fromkeys(note_ids)]
        found = batch_get(keys, consistent=True, raw=True)
        return [_delivery(found[k]) for k in keys if k in found]

    def claim(self, seen: Delivery, now: datetime) -> Delivery | None:
        """Take a queued, due message for one attempt (None: someone else has it)."""
        return self._update(
            seen.id,
            "SET #st = :sending, attempts = attempts + :one, due_shard = :shard, "
            "due_at = :lease", "#st = :queued AND due_at <= :now",
            {":sending": "sending", ":queued": "queued", ":one": 1, ":now": _iso(now),
             **_lease(now, seen.kind)},
        )

    def claim_many(self, seen: list[Delivery], now: datetime) -> list[Delivery]:
        """Claim queued, due messages as :meth:`claim` does, up to 100 in one transaction.

        A message that another sweep took (or that the index showed stale) fails its
        condition: it is left out and the rest are claimed in a second try. A conflict with
        a parallel sweep's transaction falls back to one claim at a time.
        """
        pending = [s for s in seen if s.status == "queued"][:MAX_CLAIMS]
        for _ in range(2):
            if not pending:
                return []
            tx = Transaction()
            for note in pending:
                tx.update(f"NOTE#{note.id}", "NOTE",
                          "SET #st = :sending, attempts = attempts + :one, due_shard = :shard, "
                          "due_at = :lease", label=note.id,
                          condition="#st = :queued AND due_at <= :now AND attempts = :n",
                          names={"#st": "status"},
                          values={":sending": "sending", ":queued": "queued", ":one": 1,
                                  ":now": _iso(now), ":n": note.attempts,
                                  **_lease(now, note.kind)})
            try:
                tx.commit()
            except TransactionCancelled as error:
                taken = set(error.failed)
                pending = [note for note in pending if note.id not in taken]
                continue
            except Unavailable:
                return [c for c in (self.claim(note, now) for note in pending) if c]
            return [replace(note, status="sending", attempts=note.attempts + 1,
                            due_at=(now + lease_of(note.kind)).astimezone(UTC))
                    for note in pending]
        return []

    def reclaim(self, seen: Delivery, now: datetime) -> Delivery | None:
        """Take a message whose sender died mid-delivery (lease expired), at most once."""
        return self._update(
            seen.id,
            "SET attempts = attempts + :one, due_shard = :shard, due_at = :lease, "
            "recovered = :now",
            "#st = :sending AND due_at = :seen AND attribute_not_exists(recovered)",
            {":sending": "sending", ":one": 1, ":now": _iso(now), ":seen": _iso(seen.due_at),
             **_lease(now, seen.kind)},
        )

    def mark_sent(self, claimed: Delivery, provider_id: str, now: datetime) -> bool:
        """Record a successful send; False if our claim was lost meanwhile."""
        return self._update(
            claimed.id, "SET #st = :sent, sent_at = :now, provider_id = :pid "
            "REMOVE due_shard, due_at", "#st = :sending AND attempts = :n",
            {":sent": "sent", ":sending": "sending", ":now": _INSTANT.serialize(now),
             ":pid": provider_id, ":n": claimed.attempts},
        ) is not None

    def mark_retry(self, claimed: Delivery, error: str, at: datetime) -> bool:
        """Put the message back in the queue until ``at`` (the attempt counts)."""
        return self._requeue(claimed, error, at, "")

    def hold(self, claimed: Delivery, reason: str, at: datetime) -> bool:
        """Put a claimed message back until ``at`` without trying it: the claim's attempt
        is given back (quiet hours are not a failure)."""
        return self._requeue(claimed, reason, at, ", attempts = attempts - :one")

    def mark_failed(self, claimed: Delivery, error: str, status: str = "failed") -> bool:
        """Give up for good: ``failed`` (or ``dropped``: no longer wanted), out of the due
        index, still listed for the case."""
        return self._update(
            claimed.id, "SET #st = :failed, last_error = :err REMOVE due_shard, due_at",
            "#st = :sending AND attempts = :n AND due_at = :seen",
            {":failed": status, ":sending": "sending", ":err": error[:500],
             ":n": claimed.attempts, ":seen": _iso(claimed.due_at)},
        ) is not None

    def list_for(self, parent: str) -> list[Delivery]:
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

    def _requeue(self, claimed: Delivery, error: str, at: datetime, extra: str) -> bool:
        due = due_fields(DUE_KIND, at)
        return self._update(
            claimed.id, "SET #st = :queued, last_error = :err, due_shard = :shard, "
            f"due_at = :at{extra}", "#st = :sending AND attempts = :n",
            {":queued": "queued", ":sending": "sending", ":err": error[:500],
             ":shard": due["due_shard"], ":at": due["due_at"], ":n": claimed.attempts,
             **({":one": 1} if extra else {})},
        ) is not None

    @staticmethod
    def _update(note_id: str, expression: str, condition: str, values: dict
                ) -> Delivery | None:
        """One conditional update; the new state, or None when the condition failed."""
        ddb = client()
        params = {
            "TableName": table_name(), "Key": key(f"NOTE#{note_id}", "NOTE"),
            "UpdateExpression": expression, "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#st": "status"},
            "ExpressionAttributeValues": {k: to_dynamo(v) for k, v in values.items()},
            "ReturnValues": "ALL_NEW",
        }
        try:
            return _delivery(ddb.update_item(**params)["Attributes"])
        except ddb.exceptions.ConditionalCheckFailedException:
            return None


class InMemoryDeliveries:
    """The same interface and conditions over a dict, for service tests."""

    def __init__(self):
        self.notes: dict[str, Delivery] = {}
        self.parents: dict[str, str] = {}

    def add(self, note: Notification, now: datetime) -> bool:
        check_params(note.kind, note.params, queued=True)  # as enqueue does
        if note.id in self.notes:
            return False
        self.notes[note.id] = Delivery(
            id=note.id, kind=note.kind, channel=note.channel, recipient=note.recipient,
            language=note.language, status="queued", attempts=0,
            due_at=(note.not_before or now).astimezone(UTC), created_at=now.astimezone(UTC),
            params=dict(note.params), case_id=note.case_id, escalation_id=note.escalation_id)
        self.parents[note.id] = parent_of(note)
        return True

    def find_due(self, now: datetime, limit: int = 100) -> list[Delivery]:
        due = [n for n in self.notes.values() if n.due_at is not None and n.due_at <= now]
        return sorted(due, key=lambda n: (n.due_at, n.id))[:limit]

    def get_many(self, note_ids: list[str]) -> list[Delivery]:
        return [self.notes[i] for i in dict.fromkeys(note_ids) if i in self.notes]

    def claim(self, seen: Delivery, now: datetime) -> Delivery | None:
        stored = self.notes.get(seen.id)
        if stored is None or stored.status != "queued" or stored.due_at > now:
            return None
        return self._set(stored, status="sending", attempts=stored.attempts + 1,
                         due_at=(now + lease_of(stored.kind)).astimezone(UTC))

    def claim_many(self, seen: list[Delivery], now: datetime) -> list[Delivery]:
        queued = [s for s in seen if s.status == "queued"][:MAX_CLAIMS]
        fresh = [s for s in queued if s.id in self.notes and
                 self.notes[s.id].attempts == s.attempts]
        return [c for c in (self.claim(s, now) for s in fresh) if c]

    def reclaim(self, seen: Delivery, now: datetime) -> Delivery | None:
        stored = self.notes.get(seen.id)
        if (stored is None or stored.status != "sending" or stored.due_at != seen.due_at
                or stored.recovered):
            return None
        return self._set(stored, attempts=stored.attempts + 1,
                         due_at=(now + lease_of(stored.kind)).astimezone(UTC), recovered=True)

    def mark_sent(self, claimed: Delivery, provider_id: str, now: datetime) -> bool:
        stored = self._held_by(claimed)
        return stored is not None and bool(self._set(
            stored, status="sent", sent_at=now.astimezone(UTC), provider_id=provider_id,
            due_at=None))

    def mark_retry(self, claimed: Delivery, error: str, at: datetime) -> bool:
        stored = self._held_by(claimed)
        return stored is not None and bool(self._set(
            stored, status="queued", last_error=error[:500], due_at=at.astimezone(UTC)))

    def hold(self, claimed: Delivery, reason: str, at: datetime) -> bool:
        stored = self._held_by(claimed)
        return stored is not None and bool(self._set(
            stored, status="queued", attempts=stored.attempts - 1, last_error=reason[:500],
            due_at=at.astimezone(UTC)))

    def mark_failed(self, claimed: Delivery, error: str, status: str = "failed") -> bool:
        stored = self._held_by(claimed)
        if stored is None or stored.due_at != claimed.due_at:
            return False
        return bool(self._set(stored, status=status, last_error=error[:500], due_at=None))

    def list_for(self, parent: str) -> list[Delivery]:
        mine = [n for n in self.notes.values() if self.parents[n.id] == parent]
        return sorted(mine, key=lambda n: (n.created_at, n.id))

    def _held_by(self, claimed: Delivery) -> Delivery | None:
        stored = self.notes.get(claimed.id)
        if stored is None or stored.status != "sending" or stored.attempts != claimed.attempts:
            return None
        return stored

    def _set(self, stored: Delivery, **changes) -> Delivery:
        self.notes[stored.id] = replace(stored, **changes)
        return self.notes[stored.id]
