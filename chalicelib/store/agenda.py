"""The per-worker agenda partition that feeds read and the feed-token record kept in it;
with an in-memory twin.

Item layout (one table, see ``table.py``):

* agenda entry ``pk=AGENDA#<worker>`` ``sk=<start UTC ISO>#<appointment id>`` (booking
  writes it in the same transaction as the appointment)
* review deadline ``pk=AGENDA#<worker>`` ``sk=~deadline#<due>#<case>#<review>`` (reviews
  writes it with the review, see ``reviews.py``)
* feed record  ``pk=AGENDA#<worker>`` ``sk=~feed-token`` with ``token_hash`` (sha256 hex),
  ``replaced``: the hashes of the last few tokens it replaced (newest first), so a
  calendar still polling an old URL is told it was replaced (410), not "unknown", and
  ``version``: raised by every transaction that writes into the partition (``tx.py``)
  or touches the worker's feed otherwise (the on-call rota), so a poll where nothing
  changed reads only this item (well under 1 KB: one read unit).
  ``~`` sorts after every ISO instant (and ``~d`` before ``~f``), so ONE Query from the
  window's start returns the window, the few appointments booked further ahead, every
  open deadline and the feed record, and never walks the worker's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from chalicelib.domain.errors import Conflict
from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.review_state import Deadline
from chalicelib.store.reviews import DEADLINE_PREFIX, deadline_from_item
from chalicelib.store.tx import (FEED_VERSION_SK, batch_get, client, from_dynamo, query,
                                 table_name, to_dynamo)

TOKEN_SK = FEED_VERSION_SK
REPLACED_KEPT = 5
# What a feed shows of each item (ProjectionExpression): appointments, deadlines and the
# feed record; nothing else is sent or decoded.
_SHOWN = ("sk", "appointment_id", "case_id", "start", "end", "location", "kind", "status",
          "sequence", "created_at", "updated_at", "review_id", "due", "token_hash",
          "replaced", "version", "outcome")
_NAMES = {f"#a{i}": name for i, name in enumerate(_SHOWN)}


@dataclass(frozen=True)
class FeedRecord:
    """The feed token's hash (None before one is minted), the hashes it replaced and the
    feed's version."""

    token_hash: str | None
    replaced: tuple[str, ...] = ()
    version: int = 0


@dataclass(frozen=True)
class WorkerAgenda:
    """What one agenda Query returns: the feed-token hash (if any), the appointments and
    the worker's open review deadlines."""

    token_hash: str | None
    entries: tuple[AgendaEntry, ...]
    deadlines: tuple[Deadline, ...] = ()
    replaced: tuple[str, ...] = ()
    version: int = 0


def agenda_pk(worker_id: str) -> str:
    return f"AGENDA#{worker_id}"


_ENTRY_FIELDS = ("appointment_id", "case_id", "start", "end", "location", "kind", "status",
                 "sequence", "created_at", "updated_at")


def entry_from_item(item: dict) -> AgendaEntry:
    """An agenda item as booking writes it (``store.appointments``) as a domain value."""
    return _entry(*(item[name] for name in _ENTRY_FIELDS), item.get("outcome"))


# Kept per container by the item's values (its sequence and updated_at are the
# appointment's version; an outcome recorded changes it too): a large feed read again
# decodes only what changed.
@lru_cache(maxsize=40_000)
def _entry(appointment_id, case_id, start, end, location, kind, status, sequence, created_at,
           updated_at, outcome) -> AgendaEntry:
    return AgendaEntry(appointment_id, case_id, _instant(start), _instant(end), location, kind,
                       status, int(sequence), _instant(created_at), _instant(updated_at),
                       outcome=outcome)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


class DynamoAgenda:
    """The agenda repository on DynamoDB."""

    def worker_agenda(self, worker_id: str, since: datetime, until: datetime | None = None,
                      cancelled_since: datetime | None = None) -> WorkerAgenda:
        """The feed record, every entry starting at or after ``since`` (and before
        ``until``; cancelled ones only when changed after ``cancelled_since``) and every
        open deadline: one Query (a page per MB, DynamoDB's cap).

        Newest first, so the feed record (and its version) is read before the entries:
        an entry a concurrent write changes is then never older than the version read.
        """
        drop, values = [], {":pk": to_dynamo(agenda_pk(worker_id)),
                            ":since": to_dynamo(_utc_key(since)),
                            ":token": to_dynamo(TOKEN_SK)}
        names = dict(_NAMES)
        if until is not None:  # deadlines and the feed record have no start
            drop.append("#a3 >= :until")
            values[":until"] = to_dynamo(_utc_key(until))
        if cancelled_since is not None:
            drop.append("(#a7 = :cancelled AND #a10 <= :kept)")
            values.update({":cancelled": to_dynamo("cancelled"),
                           ":kept": to_dynamo(cancelled_since.astimezone(UTC).isoformat())})
        items = query(
            raw=True, KeyConditionExpression="pk = :pk AND sk BETWEEN :since AND :token",
            ProjectionExpression=", ".join(names), ExpressionAttributeNames=names,
            ExpressionAttributeValues=values, ScanIndexForward=False,
            **({"FilterExpression": f"NOT ({' OR '.join(drop)})"} if drop else {}),
        )
        # Decoded here, not by boto3's deserializer: a large feed's items are thousands of
        # flat strings and a few numbers, and the generic decoding was most of a poll.
        items = [_plain(i) for i in items]
        record = _record(next((i for i in items if i["sk"] == TOKEN_SK), None))
        deadlines = tuple(deadline_from_item(i) for i in reversed(items)
                          if i["sk"].startswith(DEADLINE_PREFIX))
        entries = tuple(entry_from_item(i) for i in reversed(items)
                        if not i["sk"].startswith("~"))
        return WorkerAgenda(record.token_hash, entries, deadlines, record.replaced,
                            record.version)

    def feed_record(self, worker_id: str) -> FeedRecord:
        """The feed record alone: one strongly consistent GetItem of one small item."""
        found = client().get_item(
            TableName=table_name(), ConsistentRead=True,
            Key={"pk": to_dynamo(agenda_pk(worker_id)), "sk": to_dynamo(TOKEN_SK)},
            ProjectionExpression="token_hash, replaced, version").get("Item")
        return _record(from_dynamo(found) if found else None)

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        """Store the token's hash, replacing (and so revoking) the previous one, which
        joins ``replaced``. Conditional on the token read, so two at once lose none; the
        feed's version is left as it is (an update, not a put)."""
        from botocore.exceptions import ClientError

        key = (agenda_pk(worker_id), TOKEN_SK)
        for _ in range(3):
            current = _record(batch_get([key], consistent=True).get(key))
            replaced = [current.token_hash, *current.replaced] if current.token_hash else []
            guard = ({"ConditionExpression": "token_hash = :old", "ExpressionAttributeValues":
                      {":old": to_dynamo(current.token_hash)}} if current.token_hash else
                     {"ConditionExpression": "attribute_not_exists(token_hash)",
                      "ExpressionAttributeValues": {}})
            guard["ExpressionAttributeValues"].update({
                ":hash": to_dynamo(token_hash), ":replaced": to_dynamo(replaced[:REPLACED_KEPT]),
                ":at": to_dynamo(at.isoformat())})
            try:
                client().update_item(
                    TableName=table_name(), Key={"pk": to_dynamo(key[0]), "sk": to_dynamo(key[1])},
                    UpdateExpression="SET token_hash = :hash, replaced = :replaced, "
                                     "created_at = :at", **guard)
                return
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        raise Conflict("the feed address changed meanwhile, try again", code="concurrent_update")


def _plain(raw: dict) -> dict:
    """An agenda item's projected attributes: strings, whole numbers, lists of strings,
    and NULL (an entry without an outcome, as a plain put of ``agenda_item`` writes it)."""
    return {name: value["S"] if "S" in value else int(value["N"]) if "N" in value
            else None if "NULL" in value else [v["S"] for v in value["L"]]
            for name, value in raw.items()}


def _record(item: dict | None) -> FeedRecord:
    if item is None:
        return FeedRecord(None)
    return FeedRecord(item.get("token_hash"), tuple(item.get("replaced") or ()),
                      int(item.get("version") or 0))


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
        self.versions: dict[str, int] = {}

    def add(self, worker_id: str, entry: AgendaEntry) -> None:
        """Write an entry (and so bump the worker's feed version, as a commit does)."""
        self.entries.setdefault(worker_id, {})[entry.id] = entry
        self.versions[worker_id] = self.versions.get(worker_id, 0) + 1

    def worker_agenda(self, worker_id: str, since: datetime, until: datetime | None = None,
                      cancelled_since: datetime | None = None) -> WorkerAgenda:
        mine = self.entries.get(worker_id, {}).values()
        record = self.feed_record(worker_id)
        return WorkerAgenda(record.token_hash,
                            tuple(sorted((e for e in mine if e.start >= since
                                          and (until is None or e.start < until)
                                          and not (cancelled_since and e.cancelled
                                                   and e.updated_at <= cancelled_since)),
                                         key=lambda e: (e.start, e.id))),
                            tuple(self.deadlines.get(worker_id, ())), record.replaced,
                            record.version)

    def feed_record(self, worker_id: str) -> FeedRecord:
        return FeedRecord(self.tokens.get(worker_id), tuple(self.replaced.get(worker_id, ())),
                          self.versions.get(worker_id, 0))

    def put_feed_token(self, worker_id: str, token_hash: str, at: datetime) -> None:
        if worker_id in self.tokens:
            self.replaced[worker_id] = [self.tokens[worker_id],
                                        *self.replaced.get(worker_id, ())][:REPLACED_KEPT]
        self.tokens[worker_id] = token_hash
