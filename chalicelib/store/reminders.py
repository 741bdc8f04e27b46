"""The reminder timer on an appointment item (``pk=APPT#<id>``, ``sk=APPT``).

Booking sets the timer with :func:`reminder_timer_fields` in the same write that books or
moves the appointment (a move raises ``sequence``). Attributes: ``due_shard`` =
``reminder#<UTC date>``, ``due_at`` (ISO UTC), ``reminder_index`` (into
``domain.reminders.reminder_times``) and ``reminder_minutes`` (the case's reminder hours
when booked, in whole minutes, so later edits to the case do not shift an index already
set). The sweep advances or
removes the timer with :func:`advance_timer`, fenced by status, sequence and ``due_at``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.domain.reminders import ReminderTimer, next_reminder, reminder_times
from chalicelib.store.outbox import due_fields
from chalicelib.store.timers import query_due
from chalicelib.store.tx import Transaction, client, from_dynamo, key, table_name, to_dynamo

DUE_KIND = "reminder"
TIMER_ATTRIBUTES = ("due_shard", "due_at", "reminder_index")


def reminder_timer_fields(start: datetime, hours: Iterable[float], now: datetime) -> dict:
    """Attributes to store on an appointment booked (or moved) at ``now``.

    Without a reminder still ahead only ``reminder_minutes`` is returned: on a move, REMOVE
    :data:`TIMER_ATTRIBUTES` then.

    >>> from datetime import UTC
    >>> reminder_timer_fields(datetime(2026, 12, 2, 8, tzinfo=UTC), [24],
    ...                       datetime(2026, 11, 20, tzinfo=UTC))["due_at"]
    '2026-12-01T08:00:00+00:00'
    """
    # Whole minutes: plain integers store the same through PynamoDB and raw writes.
    minutes = sorted({round(float(h) * 60) for h in hours})
    hours = [m / 60 for m in minutes]
    index = next_reminder(start, hours, now)
    fields = {"reminder_minutes": minutes}
    if index is not None:
        at = reminder_times(start, hours)[index]
        fields |= {**due_fields(DUE_KIND, at), "reminder_index": index}
    return fields


def timer_from_item(item: dict) -> ReminderTimer:
    return ReminderTimer(
        appointment_id=item["pk"].removeprefix("APPT#"), case_id=item["case_id"],
        start=datetime.fromisoformat(item["start"]), location=item["location"],
        sequence=int(item.get("sequence") or 0),
        hours=tuple(m / 60 for m in item.get("reminder_minutes") or (24 * 60,)),
        index=int(item.get("reminder_index") or 0),
        due_at=datetime.fromisoformat(item["due_at"]),
    )


def find_due(now: datetime, limit: int = 100) -> list[ReminderTimer]:
    """Booked appointments whose reminder timer has fired (index view: claim before use)."""
    return [timer_from_item(from_dynamo(raw)) for raw in query_due(DUE_KIND, now, limit)]


def advance_timer(tx: Transaction, timer: ReminderTimer, next_at: datetime | None,
                  next_index: int | None) -> None:
    """Move the timer to reminder ``next_index`` at ``next_at`` (or remove it) in ``tx``.

    The write fails (label ``appointment``) unless the appointment is still booked, with
    the same sequence and the same ``due_at``: a cancelled or moved appointment, or a
    timer another sweep already advanced, sends nothing.
    """
    values = {":booked": "booked", ":seq": timer.sequence,
              ":seen": due_fields(DUE_KIND, timer.due_at)["due_at"]}
    if next_at is None:
        expression = "REMOVE " + ", ".join(TIMER_ATTRIBUTES)
    else:
        due = due_fields(DUE_KIND, next_at)
        expression = "SET due_shard = :shard, due_at = :at, reminder_index = :i"
        values |= {":shard": due["due_shard"], ":at": due["due_at"], ":i": next_index}
    tx.update(f"APPT#{timer.appointment_id}", "APPT", expression, label="appointment",
              condition="#st = :booked AND #seq = :seq AND due_at = :seen",
              names={"#st": "status", "#seq": "sequence"}, values=values)


def drop_stale_timer(timer: ReminderTimer) -> None:
    """Remove a timer left on an appointment that is no longer booked at that sequence
    (a cancel or move that did not clear it), so sweeps stop finding it."""
    ddb = client()
    try:
        ddb.update_item(
            TableName=table_name(), Key=key(f"APPT#{timer.appointment_id}", "APPT"),
            UpdateExpression="REMOVE " + ", ".join(TIMER_ATTRIBUTES),
            ConditionExpression="due_at = :seen AND (#st <> :booked OR #seq <> :seq)",
            ExpressionAttributeNames={"#st": "status", "#seq": "sequence"},
            ExpressionAttributeValues={k: to_dynamo(v) for k, v in {
                ":seen": due_fields(DUE_KIND, timer.due_at)["due_at"], ":booked": "booked",
                ":seq": timer.sequence}.items()})
    except ddb.exceptions.ConditionalCheckFailedException:
        pass  # advanced by another sweep, or re-set by a move: nothing stale
