"""Booking links and idempotency records in DynamoDB.

Item layout:

* link ``pk=LINK#<sha256 hex of token>`` ``sk=LINK``: case_id, token_hash, epoch (the
  case's ``link_epoch`` when issued), expires_at, created_at, ``expires`` (TTL: 90 days
  after expiry, so an expired link still answers 410 rather than 404 for a while).
  The token itself is never stored.
* idempotency ``pk=IDEM#<case>#<sha256 of Idempotency-Key>`` ``sk=IDEM``: fingerprint
  of the request, status and body of the first response, ``expires`` (TTL 24 h). Put
  with ``attribute_not_exists`` in the booking transaction itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.store.directory_items import CaseItem, case_key
from chalicelib.store.tx import Transaction, client, table_name, to_dynamo, utc_iso
from chalicelib.tokens import token_hash

LINK_RETENTION = timedelta(days=90)
IDEMPOTENCY_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class LinkRecord:
    case_id: str
    token_hash: str
    epoch: int
    expires_at: datetime


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: dict


def link_key(token_hash: str) -> tuple[str, str]:
    return f"LINK#{token_hash}", "LINK"


def idempotency_key(case_id: str, header: str) -> tuple[str, str]:
    return f"IDEM#{case_id}#{token_hash(header)}", "IDEM"


def link_from_item(item: dict) -> LinkRecord:
    return LinkRecord(item["case_id"], item["token_hash"], int(item["epoch"]),
                      datetime.fromisoformat(item["expires_at"]))


def response_from_item(item: dict) -> StoredResponse:
    return StoredResponse(item["fingerprint"], int(item["status"]), json.loads(item["body"]))


def link_item(token_hash: str, case_id: str, epoch: int, expires_at: datetime,
              now: datetime) -> dict:
    """The link item of a token (its hash); ``expires`` keeps it 90 days past expiry."""
    pk, sk = link_key(token_hash)
    return {"pk": pk, "sk": sk, "case_id": case_id, "token_hash": token_hash, "epoch": epoch,
            "expires_at": utc_iso(expires_at), "created_at": utc_iso(now),
            "expires": int((expires_at + LINK_RETENTION).timestamp())}


def save_link(token_hash: str, case_id: str, epoch: int, expires_at: datetime,
              now: datetime) -> None:
    item = link_item(token_hash, case_id, epoch, expires_at, now)
    client().put_item(TableName=table_name(), Item={k: to_dynamo(v) for k, v in item.items()},
                      ConditionExpression="attribute_not_exists(pk)")


def add_link(tx: Transaction, token_hash: str, case_id: str, epoch: int,
             expires_at: datetime, now: datetime) -> None:
    """Add a new link to ``tx`` (with the message that carries it)."""
    tx.put(link_item(token_hash, case_id, epoch, expires_at, now), "link",
           "attribute_not_exists(pk)")


def revoke_links(case_id: str) -> None:
    """Raise the case's ``link_epoch`` (and its version, so a concurrent edit of the case
    cannot write the old epoch back)."""
    pk, sk = case_key(case_id)
    CaseItem(pk, sk).update(
        actions=[CaseItem.link_epoch.set(CaseItem.link_epoch + 1),
                 CaseItem.version.set(CaseItem.version + 1)],
        condition=CaseItem.pk.exists())


def remember_response(tx: Transaction, key: tuple[str, str], stored: StoredResponse,
                      now: datetime) -> None:
    """Add the first response under ``key`` to ``tx``; fails if the key was used."""
    tx.put({"pk": key[0], "sk": key[1], "fingerprint": stored.fingerprint,
            "status": stored.status, "body": json.dumps(stored.body, sort_keys=True),
            "expires": int((now + IDEMPOTENCY_TTL).timestamp())},
           "idempotency", "attribute_not_exists(pk)")


def case_from_plain(item: dict):
    """A case from a plain item of :func:`tx.batch_get` (read with the link in one trip)."""
    from chalicelib.store.directory_items import case_from_item

    return case_from_item(CaseItem.from_raw_data({k: to_dynamo(v) for k, v in item.items()}))
