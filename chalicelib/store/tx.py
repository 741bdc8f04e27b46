"""One ``TransactWriteItems`` built from labelled operations, and raw batch reads.

PynamoDB's own ``TransactWrite`` reorders operations (condition checks, deletes, puts,
updates), so its cancellation reasons do not follow call order, and it cannot update
attributes whose names are data (the booking locks are). This builder keeps call order,
labels every operation, and reports which labels failed their condition.

Everything goes through the botocore client PynamoDB already holds, so a botocore event
hook (bench/) counts every DynamoDB round trip in one place.

Every write into a worker's agenda partition (``AGENDA#<worker>``: appointments, review
deadlines) changes that worker's feed, so the commit also bumps the partition's feed
version (:data:`FEED_VERSION_SK`) in the same transaction: a feed poll where nothing
changed reads that one item (``agenda.py``). Writes a feed shows from elsewhere name it:
:meth:`Transaction.touch_feed` (a worker's on-call shifts),
:meth:`Transaction.touch_family_feed` (a case's appointments and group seats).

Every change that queues notifications commits here, so this is where delivery is woken:
after a commit that queued some, the outbox ids go to the listener bootstrap set
(:func:`on_outbox_commit`; the store does not import notify/).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain.errors import Unavailable
from chalicelib.domain.numbers import exact_number
from chalicelib.store.table import TableModel


FEED_PREFIX = "AGENDA#"
# The feed record: the feed token's hash and the feed's version (``agenda.py``). ``~``
# sorts after every appointment's ISO instant and after ``~deadline#``.
FEED_VERSION_SK = "~feed-token"


def family_feed_key(case_id: str) -> tuple[str, str]:
    """The version of a family's calendar (``/book/{token}/calendar.ics``): ``version``."""
    return f"FAMILYFEED#{case_id}", "VERSION"


def client():
    """The botocore DynamoDB client of the configured table."""
    return TableModel._get_connection().connection.client


def table_name() -> str:
    return TableModel.Meta.table_name


def to_dynamo(value) -> dict:
    """A Python value as a DynamoDB attribute value."""
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer().serialize(_exact(value))


def from_dynamo(item: dict) -> dict:
    """A raw item as Python values (numbers become int or Decimal, never float)."""
    from boto3.dynamodb.types import TypeDeserializer

    plain = {k: TypeDeserializer().deserialize(v) for k, v in item.items()}
    return {k: _number(v) for k, v in plain.items()}


def _number(value):
    if isinstance(value, Decimal):
        return exact_number(value)
    if isinstance(value, list):
        return [_number(v) for v in value]
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    return value


def _exact(value):
    # boto3 refuses floats at any depth (a case's reminders are a list of them).
    if isinstance(value, float):
        return exact_number(value)
    if isinstance(value, (list, tuple)):
        return [_exact(v) for v in value]
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    return value


def _ignore(note_ids: list[str]) -> None:
    pass


_outbox_listener: Callable[[list[str]], None] = _ignore


def on_outbox_commit(listener: Callable[[list[str]], None] | None) -> None:
    """Call ``listener(note_ids)`` after each commit that queued notifications (None: nobody).

    The listener must not raise (``notify.wake.best_effort``): the change is committed.
    """
    global _outbox_listener
    _outbox_listener = listener or _ignore


def utc_iso(instant: datetime) -> str:
    """How the store writes an instant: ISO 8601 in UTC (sortable, unambiguous at DST)."""
    return instant.astimezone(UTC).isoformat()


def key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


class TransactionCancelled(Exception):
    """Some conditions failed; ``failed`` holds their labels in call order."""

    def __init__(self, failed: list[str], reasons: list[str]):
        super().__init__(f"transaction cancelled: {failed or reasons}")
        self.failed = failed
        self.reasons = reasons


@dataclass
class Transaction:
    """Collects operations; :meth:`commit` runs them all or none."""

    ops: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # outbox ids to wake delivery for
    feeds: set[tuple[str, str]] = field(default_factory=set)  # feed records to bump

    def put(self, item: TableModel | dict, label: str, condition: str | None = None,
            names: dict | None = None, values: dict | None = None) -> None:
        raw = item.serialize() if isinstance(item, TableModel) else {
            k: to_dynamo(v) for k, v in item.items() if v is not None}
        self._add("Put", {"Item": raw}, label, condition, names, values)

    def update(self, pk: str, sk: str, expression: str, label: str,
               condition: str | None = None, names: dict | None = None,
               values: dict | None = None) -> None:
        self._add("Update", {"Key": key(pk, sk), "UpdateExpression": expression}, label,
                  condition, names, values)

    def check(self, pk: str, sk: str, condition: str, label: str, names: dict | None = None,
              values: dict | None = None) -> None:
        self._add("ConditionCheck", {"Key": key(pk, sk)}, label, condition, names, values)

    def delete(self, pk: str, sk: str, label: str, condition: str | None = None,
               names: dict | None = None, values: dict | None = None) -> None:
        self._add("Delete", {"Key": key(pk, sk)}, label, condition, names, values)

    def touch_feed(self, worker_id: str) -> None:
        """Bump the worker's feed version with this transaction (writes the feed shows that
        are not in the worker's agenda partition, e.g. on-call shifts)."""
        self.feeds.add((f"{FEED_PREFIX}{worker_id}", FEED_VERSION_SK))

    def touch_family_feed(self, case_id: str) -> None:
        """Bump the family's calendar version with this transaction."""
        self.feeds.add(family_feed_key(case_id))

    def _add(self, kind, body, label, condition, names, values) -> None:
        pk, _ = _key_of(body)
        if pk.startswith(FEED_PREFIX):
            self.feeds.add((pk, FEED_VERSION_SK))
        body = {"TableName": table_name(), **body}
        if condition:
            body["ConditionExpression"] = condition
        if names:
            body["ExpressionAttributeNames"] = names
        if values:
            body["ExpressionAttributeValues"] = {k: to_dynamo(v) for k, v in values.items()}
        self.ops.append({kind: body})
        self.labels.append(label)

    def commit(self, token: str | None = None) -> None:
        """Run the transaction; ``token`` makes a retried call idempotent for 10 minutes."""
        if not self.ops:
            return
        ops = [*self.ops, *self._feed_bumps()]
        if len(ops) > 100:
            raise ValueError("a DynamoDB transaction holds at most 100 operations")
        params = {"TransactItems": ops}
        if token:
            params["ClientRequestToken"] = token
        ddb = client()
        try:
            ddb.transact_write_items(**params)
        except ddb.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if any(r in ("ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded")
                   for r in reasons) and "ConditionalCheckFailed" not in reasons:
                raise Unavailable("busy: another change to the same items is under way") \
                    from error
            failed = [label for label, r in zip(self.labels, reasons) if r == "ConditionalCheckFailed"]
            raise TransactionCancelled(failed, reasons) from error
        if self.notes:
            _outbox_listener(list(self.notes))


    def _feed_bumps(self) -> list[dict]:
        """One version bump per changed feed (sorted: a retried commit sends the same
        request), unless the transaction writes that feed record itself."""
        written = {_key_of(body) for op in self.ops for body in op.values()}
        return [{"Update": {
            "TableName": table_name(), "Key": key(pk, sk),
            "UpdateExpression": "SET #v = if_not_exists(#v, :zero) + :one",
            "ExpressionAttributeNames": {"#v": "version"},
            "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}}}}
            for pk, sk in sorted(self.feeds - written)]


def _key_of(body: dict) -> tuple[str, str]:
    item = body.get("Key") or body["Item"]
    return item["pk"]["S"], item["sk"]["S"]


def committed(tx: Transaction) -> bool:
    """Commit ``tx``; False when a condition failed (nothing was written then)."""
    try:
        tx.commit()
    except TransactionCancelled:
        return False
    return True


def probe_table() -> None:
    """One cheap read that needs the table to answer (``GET /health?deep=1``); raises
    what the client raises when it does not (a timeout, a refused connection)."""
    client().get_item(TableName=table_name(), Key=key("HEALTH", "PROBE"),
                      ProjectionExpression="pk")


def batch_get(keys: list[tuple[str, str]], consistent: bool = False,
              raw: bool = False) -> dict[tuple[str, str], dict]:
    """Fetch up to 100 items in one round trip (more only for unprocessed keys).

    Returns ``{(pk, sk): plain item}`` (``raw``: items as DynamoDB returns them, for
    PynamoDB's ``from_raw_data``); missing items are absent.
    """
    unique = list(dict.fromkeys(keys))
    if len(unique) > 100:
        raise ValueError("batch_get takes at most 100 keys")
    found: dict[tuple[str, str], dict] = {}
    if not unique:
        return found
    request = {table_name(): {"Keys": [key(pk, sk) for pk, sk in unique],
                              "ConsistentRead": consistent}}
    ddb = client()
    while request:
        response = ddb.batch_get_item(RequestItems=request)
        for stored in response.get("Responses", {}).get(table_name(), []):
            found[(stored["pk"]["S"], stored["sk"]["S"])] = stored if raw else from_dynamo(stored)
        request = response.get("UnprocessedKeys") or None
    return found


# Set while a raw Query runs (per thread: each has its own context).
_UNPARSED_ITEMS: ContextVar[bool] = ContextVar("unparsed_items", default=False)


def _keep_items_unparsed(response_dict, customized_response_dict, **_) -> None:
    """Hand a raw Query's items over as the JSON DynamoDB sent: botocore's parser walks
    every attribute against the model, and for a large feed that was three quarters of
    the request (bench/README.md). Items are DynamoDB JSON either way (binary values
    would stay base64 text here; the raw readers have none)."""
    if not _UNPARSED_ITEMS.get() or response_dict.get("status_code") != 200:
        return
    answer = json.loads(response_dict["body"])
    customized_response_dict["Items"] = answer.pop("Items", [])
    response_dict["body"] = json.dumps(answer).encode()


def query(raw: bool = False, **params) -> list[dict]:
    """Every page of one Query as plain items (``raw``: as DynamoDB returns them), one
    round trip unless it passes 1 MB."""
    ddb, items, params = client(), [], {"TableName": table_name(), **params}
    if raw:
        ddb.meta.events.register("before-parse.dynamodb.Query", _keep_items_unparsed,
                                 unique_id="tapaamo-unparsed-items")
    while True:
        flag = _UNPARSED_ITEMS.set(raw)
        try:
            response = ddb.query(**params)
        finally:
            _UNPARSED_ITEMS.reset(flag)
        found = response.get("Items", [])
        items.extend(found if raw else map(from_dynamo, found))
        if "LastEvaluatedKey" not in response:
            return items
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
