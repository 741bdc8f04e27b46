"""Escalations, their timelines, ack links and the one-open-per-case pointer in DynamoDB.

Item layout (one table, see ``table.py``); instants are ISO 8601 UTC strings:

* escalation ``pk=ESC#<id>``   ``sk=ESC``; ``due_shard=escalation#<UTC date>``/``due_at``
  while a step is pending (the sweeper's ``due`` index), ``version`` the fencing token;
  ``gsi1pk=ESCALATIONS#<status>``/``gsi1sk=<opened, compact UTC>#<id>`` (the lists by
  status on the ``by_parent`` index; the status write moves it between lists)
* short code ``pk=ESCCODE#<short code>`` ``sk=ESC#<id>`` (``?code=``: one Query)
* timeline   ``pk=ESC#<id>``   ``sk=EVENT#<UTC instant>#<seq>`` (one Query with the above)
* ack link   ``pk=ACK#<sha256(token)>`` ``sk=ACK`` (one-time; ``expires`` is the TTL)
* pointer    ``pk=CASE#<id>``  ``sk=OPEN_ESCALATION`` (conditional put: one open per case)

State changes are Update operations added to a caller's Transaction, conditioned on the
version read, so the outbox items of a step commit with the step or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.domain.escalation import Escalation, policy_from_dict, policy_to_dict
from chalicelib.store import tx as raw
from chalicelib.store.outbox import due_fields
from chalicelib.store.timers import query_due
from chalicelib.store.tx import Transaction

DUE_KIND = "escalation"
STATE_FIELDS = ("status", "step_index", "pass_number", "version", "acknowledged_by",
                "acknowledged_at", "resolved_by", "resolved_at", "outcome", "fallback_sent",
                "paged", "gsi1pk")
STATUS_LIST = "ESCALATIONS#"


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation with what the service needs around it.

    ``family_phone``/``family_email`` are whom to tell that help is coming (the case's own
    contact, or a caller the phone system reported); ``callback_phone`` is the number the
    family asked to be called on: shown to the on-call worker, never texted.
    """

    escalation: Escalation
    source: str
    short_code: str
    case_id: str | None = None
    family_phone: str | None = None
    family_email: str | None = None
    language: str = "fi"
    callback_phone: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    event: str
    detail: dict


@dataclass(frozen=True)
class AckLink:
    escalation_id: str
    worker_id: str
    expires_at: datetime
    used_at: datetime | None


def esc_key(escalation_id: str) -> tuple[str, str]:
    return f"ESC#{escalation_id}", "ESC"


def _iso(at: datetime | None) -> str | None:
    return raw.utc_iso(at) if at else None


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _state(e: Escalation) -> dict:
    return {"status": e.status, "step_index": e.step_index, "pass_number": e.pass_number,
            "version": e.version, "acknowledged_by": e.acknowledged_by,
            "acknowledged_at": _iso(e.acknowledged_at), "resolved_by": e.resolved_by,
            "resolved_at": _iso(e.resolved_at), "outcome": e.outcome,
            "fallback_sent": e.fallback_sent, "paged": list(e.paged),
            "gsi1pk": STATUS_LIST + e.status}


def list_key(e: Escalation) -> str:
    """Where ``e`` sorts in its status list: oldest first, e.g. ``20260329T003000.000000Z#id``."""
    return f"{e.opened_at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}#{e.id}"


def record_from_item(item: dict) -> EscalationRecord:
    escalation = Escalation(
        id=item["pk"].removeprefix("ESC#"), status=item["status"],
        policy=policy_from_dict(item["policy"]), step_index=item["step_index"],
        pass_number=item["pass_number"], next_action_at=_instant(item.get("next_action_at")),
        version=item["version"], opened_at=_instant(item["opened_at"]),
        acknowledged_by=item.get("acknowledged_by"),
        acknowledged_at=_instant(item.get("acknowledged_at")),
        resolved_by=item.get("resolved_by"), resolved_at=_instant(item.get("resolved_at")),
        outcome=item.get("outcome"), fallback_sent=bool(item.get("fallback_sent")),
        paged=tuple(item.get("paged") or ()))
    return EscalationRecord(escalation, item["source"], item["short_code"], item.get("case_id"),
                            item.get("family_phone"), item.get("family_email"),
                            item.get("language", "fi"), item.get("callback_phone"))


def _timer(e: Escalation) -> dict:
    return due_fields(DUE_KIND, e.next_action_at) if e.next_action_at else {}


def add_new(tx: Transaction, record: EscalationRecord) -> None:
    """Put a freshly opened escalation; fails (label ``escalation``) if the id exists."""
    e = record.escalation
    item = {"pk": esc_key(e.id)[0], "sk": "ESC", **_state(e), "policy": policy_to_dict(e.policy),
            "next_action_at": _iso(e.next_action_at), "opened_at": _iso(e.opened_at),
            "source": record.source, "short_code": record.short_code, "case_id": record.case_id,
            "family_phone": record.family_phone, "family_email": record.family_email,
            "callback_phone": record.callback_phone, "language": record.language,
            "gsi1sk": list_key(e), **_timer(e)}
    tx.put(item, label="escalation", condition="attribute_not_exists(pk)")
    tx.put({"pk": f"ESCCODE#{record.short_code}", "sk": esc_key(e.id)[0]}, label="code")


def add_transition(tx: Transaction, before: Escalation, after: Escalation) -> None:
    """Write ``after``'s state if the stored version is still ``before``'s (the fence)."""
    values = {f":{k}": v for k, v in _state(after).items() if v is not None}
    sets = [f"#{k} = :{k}" for k in STATE_FIELDS if f":{k}" in values]
    removes = [f"#{k}" for k in STATE_FIELDS if f":{k}" not in values]
    names = {f"#{k}": k for k in (*STATE_FIELDS, "next_action_at", "due_shard", "due_at")}
    timer = _timer(after)
    if timer:
        values.update({":next_action_at": _iso(after.next_action_at),
                       ":due_shard": timer["due_shard"], ":due_at": timer["due_at"]})
        sets += ["#next_action_at = :next_action_at", "#due_shard = :due_shard",
                 "#due_at = :due_at"]
    else:
        removes += ["#next_action_at", "#due_shard", "#due_at"]
    values[":expected"] = before.version
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    tx.update(*esc_key(after.id), expression, label="escalation",
              condition="#version = :expected", names=names, values=values)


def add_event(tx: Transaction, escalation_id: str, at: datetime, tag: str, event: str,
              **detail) -> None:
    """Append a timeline entry; ``tag`` orders and tells apart entries of one instant."""
    sk = f"EVENT#{_iso(at)}#{tag}"
    tx.put({"pk": esc_key(escalation_id)[0], "sk": sk, "at": _iso(at), "event": event,
            "detail": {k: v for k, v in detail.items() if v is not None}},
           label=f"event:{tag}", condition="attribute_not_exists(pk)")


def add_ack_link(tx: Transaction, token_hash: str, escalation_id: str, worker_id: str,
                 expires_at: datetime) -> None:
    tx.put({"pk": f"ACK#{token_hash}", "sk": "ACK", "escalation_id": escalation_id,
            "worker_id": worker_id, "expires_at": _iso(expires_at),
            "expires": int((expires_at + timedelta(days=7)).timestamp())},
           label="ack_link", condition="attribute_not_exists(pk)")


def use_ack_link(tx: Transaction, token_hash: str, now: datetime) -> None:
    """Mark the link used; fails (label ``ack_link``) if it was used already."""
    tx.update(f"ACK#{token_hash}", "ACK", "SET used_at = :now", label="ack_link",
              condition="attribute_exists(pk) AND attribute_not_exists(used_at)",
              values={":now": _iso(now)})


def claim_case(tx: Transaction, case_id: str, escalation_id: str) -> None:
    """The case's open-escalation pointer; fails (label ``pointer``) if one is open."""
    tx.put({"pk": f"CASE#{case_id}", "sk": "OPEN_ESCALATION", "escalation_id": escalation_id},
           label="pointer", condition="attribute_not_exists(pk)")


def release_case(tx: Transaction, case_id: str, escalation_id: str) -> None:
    """Drop the pointer if it still names this escalation (a later one keeps its own)."""
    tx.delete(f"CASE#{case_id}", "OPEN_ESCALATION", label="pointer",
              condition="escalation_id = :id", values={":id": escalation_id})


@dataclass(frozen=True)
class SentNotice:
    """An outbox entry of an escalation as staff see it (delivery state, no content)."""

    id: str
    kind: str
    channel: str
    recipient: str
    status: str
    created_at: datetime
    sent_at: datetime | None


def _outbox_instant(value: str | None) -> datetime | None:
    # PynamoDB's UTCDateTimeAttribute format: 2026-03-29T01:00:00.000000+0000
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z") if value else None


class DynamoEscalations:
    """Reads of escalations; writes go through the Transaction helpers above."""

    def get(self, escalation_id: str) -> EscalationRecord | None:
        item = raw.client().get_item(TableName=raw.table_name(),
                                     Key=raw.key(*esc_key(escalation_id)),
                                     ConsistentRead=True).get("Item")
        return record_from_item(raw.from_dynamo(item)) if item else None

    def with_timeline(self, escalation_id: str) -> tuple[EscalationRecord | None,
                                                          list[TimelineEntry]]:
        """The escalation and its timeline in one Query of its partition."""
        items = raw.query(KeyConditionExpression="pk = :pk",
                            ExpressionAttributeValues={":pk": {"S": esc_key(escalation_id)[0]}},
                            ConsistentRead=True)
        record = next((record_from_item(i) for i in items if i["sk"] == "ESC"), None)
        timeline = [TimelineEntry(_instant(i["at"]), i["event"], i.get("detail") or {})
                    for i in items if i["sk"].startswith("EVENT#")]
        return record, timeline

    def open_escalation_of(self, case_id: str) -> str | None:
        item = raw.client().get_item(TableName=raw.table_name(),
                                     Key=raw.key(f"CASE#{case_id}", "OPEN_ESCALATION"),
                                     ConsistentRead=True).get("Item")
        return raw.from_dynamo(item)["escalation_id"] if item else None

    def ack_link(self, token_hash: str) -> AckLink | None:
        item = raw.client().get_item(TableName=raw.table_name(),
                                     Key=raw.key(f"ACK#{token_hash}", "ACK"),
                                     ConsistentRead=True).get("Item")
        if not item:
            return None
        plain = raw.from_dynamo(item)
        return AckLink(plain["escalation_id"], plain["worker_id"],
                       _instant(plain["expires_at"]), _instant(plain.get("used_at")))

    def due(self, now: datetime) -> list[EscalationRecord]:
        """Escalations whose next step is due at ``now`` (the ``due`` index, never a Scan)."""
        return [record_from_item(raw.from_dynamo(i)) for i in query_due(DUE_KIND, now)]

    def notices(self, escalation_id: str) -> list[SentNotice]:
        """The escalation's outbox entries, oldest first (the ``by_parent`` index)."""
        items = raw.query(
            IndexName="by_parent", KeyConditionExpression="gsi1pk = :parent",
            ExpressionAttributeValues={":parent": {"S": f"ESC#{escalation_id}#NOTES"}})
        return [SentNotice(i["pk"].removeprefix("NOTE#"), i["kind"], i["channel"],
                           i["recipient"], i.get("status", "queued"),
                           _outbox_instant(i["created_at"]), _outbox_instant(i.get("sent_at")))
                for i in items]

