"""The per-worker agenda partition that feeds read and the feed-token record kept in it;
with an in-memory twin.

Item layout (one table, see ``table.py``):

* agenda entry ``pk=AGENDA#<worker>`` ``sk=<start UTC ISO>#<appointment id>`` (booking
  writes it in the same transaction as the appointment)
* review deadline ``pk=AGENDA#<worker>`` ``sk=~deadline#<due>#<case>#<review>`` (reviews
  writes it with the review, see ``reviews.py``)
* feed token   ``pk=AGENDA#<worker>`` ``sk=~feed-token`` with ``token_hash`` (sha256 hex)
  and ``replaced``: the hashes of the last few tokens it replaced (newest first), so a
  calendar still polling an old URL is told it was replaced (410), not "unknown".
  ``~`` sorts after every ISO instant (and ``~d`` before ``~f``), so ONE Query from the
  window's start returns the window, the few appointments booked further ahead, every
  open deadline and the token record, and never walks the worker's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.domain.errors import Conflict
from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.review_state import Deadline
from chalicelib.store.reviews import DEADLINE_PREFIX, deadline_from_item
from chalicelib.store.tx import batch_get, client, query, table_name, to_dynamo

TOKEN_SK = "~feed-token"
REPLACED_KEPT = 5


@dataclass(frozen=True)
class WorkerAgenda:
    """What one agenda Query returns: the feed-token hash (if any), the appointments and
    the worker's open review deadlines."""

    token_hash: str | None
    entries: tuple[AgendaEntry, ...]
    deadlines: tuple[Deadline, ...] = ()
    replaced: tuple[str, ...] = ()


def agenda_pk(worker_id: str) -> str:
    return f"AGENDA#{worker_id}"


def entry_from_item(item: dict) -> AgendaEntry:
    """An agenda item as booking writes it (``store.appointments``) as a domain value."""
    return AgendaEntry(
        id=item["appointment_id"],
        case_id=item["case_id"],
        start=_instant(item["start"]),
        end=_instant(item["end"]),
        location=item["location"],
        kind=item["kind"],
        status=item["status"],
        sequence=int(item["sequence"]),
        created_at=_instant(item["created_at"]),
        updated_at=_instant(item["updated_at"]),
        outcome=item.get("outcome"),
    )


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


class DynamoAgenda:
    """The agenda repository on DynamoDB."""

    def worker_agenda(self, worker_id: str, since: datetime) -> WorkerAgenda:
        """The token record, every entry starting at or after ``since`` and every open
        deadline: one Query."""
        items = query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :since AND :token",
            ExpressionAttributeValues={
                ":pk": to_dynamo(agenda_pk(worker_id)),
                ":since": to_dynamo(_utc_key(since)),
                ":token": to_dynamo(TOKEN_SK),
            },
        )
        token = next((i for i in items if i["sk"] == TOKEN_SK), None)
        deadlines = tuple(deadline_from_item(i) for i in items
                          if i["sk"].startswith(DEADLINE_PREFIX))
        entries = tuple(entry_from_item(i) for i in items
                        if not i["sk"].startswith("~"))
        return WorkerAgenda(token["token_hash"] if token else None, entries, deadlines,
                            tuple(token.get("replaced") or ()) if token else ())

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        """Store the token's hash, replacing (and so revoking) the previous one, which
        joins ``replaced``. Conditional on the token read, so two at once lose none."""
        from botocore.exceptions import ClientError

        key = (agenda_pk(worker_id), TOKEN_SK)
        for _ in range(3):
            current = batch_get([key], consistent=True).get(key)
            replaced = [current["token_hash"], *current.get("replaced", ())] if current else []
            item = {"pk": key[0], "sk": key[1], "token_hash": token_hash,
                    "replaced": replaced[:REPLACED_KEPT], "created_at": at.isoformat()}
            guard = ({"ConditionExpression": "token_hash = :old", "ExpressionAttributeValues":
                      {":old": to_dynamo(current["token_hash"])}} if current else
                     {"ConditionExpression": "attribute_not_exists(pk)"})
            try:
                client().put_item(TableName=table_name(),
                                  Item={k: to_dynamo(v) for k, v in item.items()}, **guard)
                return
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        raise Conflict("the feed address changed meanwhile, try again", code="concurrent_update")


def _utc_key(instant: datetime) -> str:
    # Sort keys start "YYYY-MM-DDTHH:MM:SS" in UTC; the prefix compares right whatever
    # suffix ("Z", "+00:00", fractions) booking writes after it.
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class InMemoryAgenda:
    """The same interface over dicts, for fast service tests."""

    def __init__(self):
        self.entries: dict[str, dict[str, AgendaEntry]] = {}
        self.deadlines: dict[str, list[Deadline]] = {}
        self.tokens: dict[str, str] = {}
        self.replaced: dict[str, list[str]] = {}

    def add(self, worker_id: str, entry: AgendaEntry) -> None:
        self.entries.setdefault(worker_id, {})[entry.id] = entry

    def worker_agenda(self, worker_id: str, since: datetime) -> WorkerAgenda:
        mine = self.entries.get(worker_id, {}).values()
        return WorkerAgenda(self.tokens.get(worker_id),
                            tuple(e for e in mine if e.start >= since),
                            tuple(self.deadlines.get(worker_id, ())),
                            tuple(self.replaced.get(worker_id, ())))

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        if worker_id in self.tokens:
            self.replaced[worker_id] = [self.tokens[worker_id],
                                        *self.replaced.get(worker_id, ())][:REPLACED_KEPT]
        self.tokens[worker_id] = token_hash
