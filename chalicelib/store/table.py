"""The one DynamoDB table and its indexes: single source of truth for its key schema.

Every item has ``pk``/``sk``. Two sparse global secondary indexes:

* ``by_parent`` (``gsi1pk``/``gsi1sk``): secondary lookups, e.g. a case's appointments.
* ``due`` (``due_shard``/``due_at``): timers. An item waiting for a sweep (an outbox
  message, an escalation step, a review deadline) carries ``due_shard`` =
  ``<kind>`` and ``due_at`` (ISO UTC); it drops both once handled, so the
  index holds only pending work and sweeps Query it, never Scan.

The table name is resolved lazily (:func:`configure`): ``chalice.test.Client`` sets the
stage environment only during a call, and PynamoDB caches a connection per model class.
"""

from __future__ import annotations

from decimal import Decimal

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.numbers import exact_number

KEY_SCHEMA = {"pk": "HASH", "sk": "RANGE"}
INDEXES = {
    "by_parent": {"gsi1pk": "HASH", "gsi1sk": "RANGE"},
    "due": {"due_shard": "HASH", "due_at": "RANGE"},
}
TTL_ATTRIBUTE = "expires"


class ByParentIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_parent"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class DecimalAttribute(NumberAttribute):
    """A number kept exact: read as ``int`` when whole, else ``Decimal`` (never ``float``).

    PynamoDB's ``NumberAttribute`` reads ``1.5`` back as a float, which boto3's serializer
    then refuses in a raw write, and which rounds decimal hours.
    """

    def serialize(self, value) -> str:
        return str(exact_number(value))

    def deserialize(self, value: str) -> int | Decimal:
        return exact_number(Decimal(value))


# A connection on loopback or to the regional endpoint opens in milliseconds.
CONNECT_TIMEOUT_SECONDS = 1.0


class TableModel(Model):
    """Base of every model: they all live in one table and share its Meta."""

    class Meta:
        table_name = "tapaamo"
        region = "eu-north-1"
        host = None
        connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
        read_timeout_seconds = 4.0
        max_retry_attempts = 2  # three attempts in all (botocore's "standard" back-off)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


def _all_models(cls=TableModel):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_models(sub)


def configure(table: str, region: str, endpoint: str | None, read_timeout: float = 4.0,
              attempts: int = 3) -> None:
    """Point every model at ``table``; drops cached connections when anything changed.

    A call waits at most ``read_timeout`` seconds for an answer (connecting: at most
    :data:`CONNECT_TIMEOUT_SECONDS`) and is tried ``attempts`` times in all, so a stalled
    database costs about ``attempts × read_timeout`` plus back-off before the request
    answers 503 — with the defaults about 13 s, under API Gateway's 29 s.
    """
    meta = TableModel.Meta
    wanted = (table, region, endpoint, float(read_timeout), attempts - 1)
    if (meta.table_name, meta.region, meta.host, meta.read_timeout_seconds,
            meta.max_retry_attempts) == wanted:
        return
    (meta.table_name, meta.region, meta.host, meta.read_timeout_seconds,
     meta.max_retry_attempts) = wanted
    reset_connections()


def client_config(read_timeout: float = 4.0, attempts: int = 3):
    """The same limits for a boto3/botocore DynamoDB client made outside PynamoDB."""
    from botocore.config import Config

    return Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=read_timeout,
                  retries={"total_max_attempts": attempts, "mode": "standard"})


def reset_connections() -> None:
    """Forget PynamoDB's cached clients (tests start moto before the first one)."""
    for model in (TableModel, *_all_models()):
        model._connection = None
        for index in model._indexes.values() if hasattr(model, "_indexes") else ():
            index._connection = None


def table_definition(table: str) -> dict:
    """``CreateTable`` arguments (used by the CLI, the tests and the infra check)."""
    attributes = sorted({*KEY_SCHEMA, *(a for keys in INDEXES.values() for a in keys)})
    return {
        "TableName": table,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": [{"AttributeName": a, "KeyType": t} for a, t in KEY_SCHEMA.items()],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": a, "KeyType": t} for a, t in keys.items()],
                "Projection": {"ProjectionType": "ALL"},
            }
            for name, keys in INDEXES.items()
        ],
    }


def create_table(client, table: str) -> bool:
    """Create the table (and TTL) unless it exists; True when it was created."""
    if table in client.list_tables().get("TableNames", []):
        return False
    client.create_table(**table_definition(table))
    client.get_waiter("table_exists").wait(TableName=table)
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )
    return True
