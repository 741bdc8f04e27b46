"""The per-worker agenda partition that feeds read, the feed-token record kept in it,
and a case's appointments; with an in-memory twin.

Item layout (one table, see ``table.py``):

* agenda entry ``pk=AGENDA#<worker>`` ``sk=<start UTC ISO>#<appointment id>`` (booking
  writes it in the same transaction as the appointment)
* feed token   ``pk=AGENDA#<worker>`` ``sk=~feed-token`` with ``token_hash`` (sha256 hex).
  ``~`` sorts after every ISO instant, so ONE Query from the window's start returns the
  window, the few appointments booked further ahead and the token record, and never
  walks the worker's history.
* a case's appointments: ``by_parent`` ``gsi1pk=CASE#<case>#APPTS``
* booking link ``pk=LINK#<sha256(token)>`` (booking owns it; read here until its
  resolver lands, see :class:`DynamoLinks`)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.domain.feeds import AgendaEntry
from chalicelib.store.tx import client, from_dynamo, table_name, to_dynamo

TOKEN_SK = "~feed-token"


@dataclass(frozen=True)
class WorkerAgenda:
    """What one agenda Query returns: the feed-token hash (if any) and the entries."""

    token_hash: str | None
    entries: tuple[AgendaEntry, ...]


@dataclass(frozen=True)
class BookingLink:
    """A family's booking link as stored (hash key only, never the token)."""

    case_id: str
    expires_at: datetime | None
    epoch: int
    revoked: bool


def agenda_pk(worker_id: str) -> str:
    return f"AGENDA#{worker_id}"


def entry_from_item(item: dict) -> AgendaEntry:
    """An agenda entry or appointment item as a domain value."""
    return AgendaEntry(
        id=item.get("appointment_id") or item.get("id") or _id_from_key(item),
        case_id=item["case_id"],
        start=_instant(item["start"]),
        end=_instant(item["end"]),
        location=item["location"],
        kind=item.get("kind") or "meeting",
        status=item.get("status") or "booked",
        sequence=int(item.get("sequence") or 0),
        created_at=_instant(item["created_at"]),
        updated_at=_instant(item["updated_at"]),
    )


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _query(**params) -> list[dict]:
    """All pages of one Query (one round trip unless the result passes 1 MB)."""
    ddb, items, params = client(), [], {"TableName": table_name(), **params}
    while True:
        response = ddb.query(**params)
        items.extend(from_dynamo(raw) for raw in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class DynamoAgenda:
    """The agenda repository on DynamoDB."""

    def worker_agenda(self, worker_id: str, since: datetime) -> WorkerAgenda:
        """The token record and every entry starting at or after ``since``: one Query."""
        items = _query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :since AND :token",
            ExpressionAttributeValues={
                ":pk": to_dynamo(agenda_pk(worker_id)),
                ":since": to_dynamo(_utc_key(since)),
                ":token": to_dynamo(TOKEN_SK),
            },
        )
        token = next((i for i in items if i["sk"] == TOKEN_SK), None)
        entries = tuple(entry_from_item(i) for i in items if i["sk"] != TOKEN_SK)
        return WorkerAgenda(token["token_hash"] if token else None, entries)

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        """Store the token's hash, replacing (and so revoking) the previous one."""
        item = {"pk": agenda_pk(worker_id), "sk": TOKEN_SK, "token_hash": token_hash,
                "created_at": at.isoformat()}
        client().put_item(TableName=table_name(),
                          Item={k: to_dynamo(v) for k, v in item.items()})

    def case_appointments(self, case_id: str) -> tuple[AgendaEntry, ...]:
        items = _query(
            IndexName="by_parent",
            KeyConditionExpression="gsi1pk = :parent",
            ExpressionAttributeValues={":parent": to_dynamo(f"CASE#{case_id}#APPTS")},
        )
        return tuple(entry_from_item(i) for i in items)


def _id_from_key(item: dict) -> str:
    # An appointment item (pk=APPT#<id>, sk=APPT) names itself in its pk; an agenda
    # entry (sk=<start>#<id>) in its sk.
    if item["pk"].startswith("APPT#"):
        return item["pk"].removeprefix("APPT#")
    return item["sk"].rpartition("#")[2]


def _utc_key(instant: datetime) -> str:
    # Sort keys start "YYYY-MM-DDTHH:MM:SS" in UTC; the prefix compares right whatever
    # suffix ("Z", "+00:00", fractions) booking writes after it.
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class DynamoLinks:
    """Reads a booking link by its hash. Booking owns links; swap in its resolver."""

    def get(self, token_hash: str) -> BookingLink | None:
        response = client().get_item(TableName=table_name(),
                                     Key={"pk": {"S": f"LINK#{token_hash}"}, "sk": {"S": "LINK"}})
        if "Item" not in response:
            return None
        item = from_dynamo(response["Item"])
        expires = item.get("expires_at")
        return BookingLink(case_id=item["case_id"],
                           expires_at=_instant(expires) if expires else None,
                           epoch=int(item.get("epoch") or 0), revoked=bool(item.get("revoked")))


class InMemoryAgenda:
    """The same interface over dicts, for fast service tests."""

    def __init__(self):
        self.entries: dict[str, dict[str, AgendaEntry]] = {}
        self.tokens: dict[str, str] = {}

    def add(self, worker_id: str, entry: AgendaEntry) -> None:
        self.entries.setdefault(worker_id, {})[entry.id] = entry

    def worker_agenda(self, worker_id: str, since: datetime) -> WorkerAgenda:
        mine = self.entries.get(worker_id, {}).values()
        return WorkerAgenda(self.tokens.get(worker_id),
                            tuple(e for e in mine if e.start >= since))

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        self.tokens[worker_id] = token_hash

    def case_appointments(self, case_id: str) -> tuple[AgendaEntry, ...]:
        unique = {e.id: e for by_id in self.entries.values() for e in by_id.values()}
        return tuple(e for e in unique.values() if e.case_id == case_id)
