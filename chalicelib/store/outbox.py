"""The outbox: notifications stored with the change that causes them, delivered later.

Item: ``pk=NOTE#<id>``, ``sk=NOTE``; ``gsi1pk`` = ``CASE#<id>#NOTES``,
``ESC#<id>#NOTES`` (listing by case or escalation) or ``OPS#NOTES`` for operational
notices with neither (on-call gap alerts); ``due_shard``/``due_at`` while
waiting for delivery (the ``due`` index), removed once sent or failed for good.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.domain.notification import Notification
from chalicelib.notify.templates import check_params
from chalicelib.store.table import TableModel
from chalicelib.store.tx import Transaction, utc_iso

DUE_KIND = "outbox"
OPS_PARENT = "OPS"  # notices about the service itself, e.g. a gap in the rota


class OutboxItem(TableModel):
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()
    recipient = UnicodeAttribute()
    language = UnicodeAttribute()
    params = MapAttribute(default=dict)
    case_id = UnicodeAttribute(null=True)
    escalation_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="queued")
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)


def due_fields(kind: str, at: datetime) -> dict:
    """The ``due`` index attributes of a timer of ``kind`` firing at ``at``.

    One index partition per kind (``store/timers.py`` says why), sorted by ``due_at``.
    """
    at = at.astimezone(UTC)
    return {"due_shard": kind, "due_at": at.isoformat()}


def parent_of(note: Notification) -> str:
    """The listing a note belongs to: its case, its escalation, or operations."""
    if note.case_id:
        return f"CASE#{note.case_id}"
    if note.escalation_id:
        return f"ESC#{note.escalation_id}"
    return OPS_PARENT


def outbox_item(note: Notification, now: datetime) -> OutboxItem:
    parent = parent_of(note)
    return OutboxItem(
        f"NOTE#{note.id}", "NOTE",
        kind=note.kind, channel=note.channel, recipient=note.recipient,
        language=note.language, params=note.params, case_id=note.case_id,
        escalation_id=note.escalation_id, created_at=now,
        gsi1pk=f"{parent}#NOTES", gsi1sk=f"{utc_iso(now)}#{note.id}",
        **due_fields(DUE_KIND, note.not_before or now),
    )


def enqueue(tx: Transaction, note: Notification, now: datetime) -> None:
    """Add ``note`` to ``tx``; the transaction fails if the same event was queued before.

    A note due at once is also named in the wake-up sent after the commit (``tx.notes``).

    Raises:
        MissingParams: the note lacks a param its text needs (a bug in the caller).
    """
    check_params(note.kind, note.params, queued=True)
    tx.put(outbox_item(note, now), label=f"outbox:{note.kind}",
           condition="attribute_not_exists(pk)")
    if note.not_before is None or note.not_before <= now:
        tx.notes.append(note.id)
