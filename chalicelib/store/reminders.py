"""Reminder timers: the family's on the appointment item, the workers' on an item beside it.

Booking sets the timer with :func:`reminder_timer_fields` in the same write that books or
moves the appointment (a move raises ``sequence``). Attributes: ``due_shard`` =
``reminder``, ``due_at`` (ISO UTC), ``reminder_index`` (into
``domain.reminders.reminder_times``) and ``reminder_minutes`` (the case's reminder hours
when booked, in whole minutes, so later edits to the case do not shift an index already
set). The sweep advances or
removes the timer with :func:`advance_timer`, fenced by status, sequence and ``due_at``.

The workers' timer (when the case sets ``worker_reminders``) cannot share the appointment
item, which has one place in the ``due`` index: it is its own item ``pk=APPT#<id>``,
``sk=WREMIND`` (due kind ``worker-reminder``) with a copy of what the reminder needs
(case, workers, start, location, sequence), put in the same transaction as the booking
(:func:`worker_timer_item`) and deleted when the appointment is released or its last
reminder is queued. The sweep fences it by a condition check on the appointment item.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.reminders import ReminderTimer, next_reminder, reminder_times
from chalicelib.store.outbox import due_fields
from chalicelib.store.timers import query_due
from chalicelib.store.tx import (
    Transaction,
    client,
    from_dynamo,
    key,
    table_name,
    to_dynamo,
    utc_iso,
)

DUE_KIND = "reminder"
WORKER_DUE_KIND = "worker-reminder"
WORKER_TIMER_SK = "WREMIND"
TIMER_ATTRIBUTES = ("due_shard", "due_at", "reminder_index")
_FENCE = {"#st": "status", "#seq": "sequence"}


def worker_timer_key(appointment_id: str) -> tuple[str, str]:
    return f"APPT#{appointment_id}", WORKER_TIMER_SK


def reminder_timer_fields(start: datetime, hours: Iterable[float], now: datetime,
                          quiet: bool = True) -> dict:
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
    index = next_reminder(start, hours, now, quiet=quiet)
    fields = {"reminder_minutes": minutes}
    if index is not None:
        at = reminder_times(start, hours, quiet)[index]
        fields |= {**due_fields(DUE_KIND if quiet else WORKER_DUE_KIND, at),
                   "reminder_index": index}
    return fields


def worker_timer_item(appointment: Appointment, hours: Iterable[float], now: datetime
                      ) -> dict | None:
    """The workers' timer item for ``appointment`` booked at ``now`` (None: no reminder
    ahead, e.g. the case sets no ``worker_reminders``)."""
    fields = reminder_timer_fields(appointment.start, hours, now, quiet=False)
    if "due_at" not in fields:
        return None
    pk, sk = worker_timer_key(appointment.id)
    return {"pk": pk, "sk": sk, "case_id": appointment.case_id,
            "workers": list(appointment.workers), "start": utc_iso(appointment.start),
            "location": appointment.location, "sequence": appointment.sequence, **fields}


def timer_from_item(item: dict) -> ReminderTimer:
    return ReminderTimer(
        appointment_id=item["pk"].removeprefix("APPT#"), case_id=item["case_id"],
        start=datetime.fromisoformat(item["start"]), location=item["location"],
        sequence=int(item.get("sequence") or 0),
        hours=tuple(m / 60 for m in item.get("reminder_minutes") or (24 * 60,)),
        index=int(item.get("reminder_index") or 0),
        due_at=datetime.fromisoformat(item["due_at"]),
        audience="workers" if item["sk"] == WORKER_TIMER_SK else "family",
        workers=tuple(item.get("workers") or ()),
    )


def find_due(now: datetime, limit: int = 100) -> list[ReminderTimer]:
    """Fired family and workers' timers, up to ``limit`` of each (index view: the sweep's
    write is fenced before anything is queued)."""
    return [timer_from_item(from_dynamo(raw)) for kind in (DUE_KIND, WORKER_DUE_KIND)
            for raw in query_due(kind, now, limit)]


def advance_timer(tx: Transaction, timer: ReminderTimer, next_at: datetime | None,
                  next_index: int | None) -> None:
    """Move the timer to reminder ``next_index`` at ``next_at`` (or remove it) in ``tx``.

    The write fails (label ``appointment``) unless the appointment is still booked, with
    the same sequence and the same ``due_at``: a cancelled or moved appointment, or a
    timer another sweep already advanced, sends nothing.
    """
    if timer.audience == "workers":
        _advance_workers_timer(tx, timer, next_at, next_index)
        return
    values = {":booked": "booked", ":seq": timer.sequence, ":seen": utc_iso(timer.due_at)}
    if next_at is None:
        expression = "REMOVE " + ", ".join(TIMER_ATTRIBUTES)
    else:
        due = due_fields(DUE_KIND, next_at)
        expression = "SET due_shard = :shard, due_at = :at, reminder_index = :i"
        values |= {":shard": due["due_shard"], ":at": due["due_at"], ":i": next_index}
    tx.update(f"APPT#{timer.appointment_id}", "APPT", expression, label="appointment",
              condition="#st = :booked AND #seq = :seq AND due_at = :seen",
              names=_FENCE, values=values)


def _advance_workers_timer(tx: Transaction, timer: ReminderTimer, next_at: datetime | None,
                           next_index: int | None) -> None:
    tx.check(f"APPT#{timer.appointment_id}", "APPT", "#st = :booked AND #seq = :seq",
             label="appointment", names=_FENCE,
             values={":booked": "booked", ":seq": timer.sequence})
    pk, sk = worker_timer_key(timer.appointment_id)
    seen = {":seen": utc_iso(timer.due_at)}
    if next_at is None:
        tx.delete(pk, sk, label="appointment", condition="due_at = :seen", values=seen)
        return
    due = due_fields(WORKER_DUE_KIND, next_at)
    tx.update(pk, sk, "SET due_shard = :shard, due_at = :at, reminder_index = :i",
              label="appointment", condition="due_at = :seen",
              values={**seen, ":shard": due["due_shard"], ":at": due["due_at"],
                      ":i": next_index})


def drop_stale_timer(timer: ReminderTimer) -> None:
    """Remove a timer left on an appointment that is no longer booked at that sequence
    (a cancel or move that did not clear it), so sweeps stop finding it."""
    ddb = client()
    try:
        if timer.audience == "workers":
            # Only called after the fenced write failed: the timer is stale unless another
            # sweep moved it on (then ``due_at`` differs and nothing is deleted).
            ddb.delete_item(TableName=table_name(), Key=key(*worker_timer_key(
                timer.appointment_id)), ConditionExpression="due_at = :seen",
                ExpressionAttributeValues={":seen": to_dynamo(utc_iso(timer.due_at))})
            return
        ddb.update_item(
            TableName=table_name(), Key=key(f"APPT#{timer.appointment_id}", "APPT"),
            UpdateExpression="REMOVE " + ", ".join(TIMER_ATTRIBUTES),
            ConditionExpression="due_at = :seen AND (#st <> :booked OR #seq <> :seq)",
            ExpressionAttributeNames={"#st": "status", "#seq": "sequence"},
            ExpressionAttributeValues={k: to_dynamo(v) for k, v in {
                ":seen": utc_iso(timer.due_at), ":booked": "booked",
                ":seq": timer.sequence}.items()})
    except ddb.exceptions.ConditionalCheckFailedException:
        pass  # advanced by another sweep, or re-set by a move: nothing stale
