"""The outbox sweep: claim each due message, send it, record the outcome.

Runs every minute (and may be woken early); safe to run twice or in parallel because
every step is a conditional write on the message (``store/deliveries.py``). ``store`` is
the deliveries repository (``DynamoDeliveries`` or its in-memory twin).

A :class:`Dispatch` lets a kind finish its message at send time and hear that it went
out: an on-call page gets its one-time link only here (the outbox never holds it), is
dropped when its escalation moved on, and restarts its step's wait once it is out.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from chalicelib.domain.delivery import Delivery, after_failure, before_send
from chalicelib.jobs import each_record
from chalicelib.notify import metrics
from chalicelib.notify.providers import DeliveryError, Provider
from chalicelib.notify.templates import render
from chalicelib.faults import retry_reason

log = logging.getLogger("tapaamo.notify")
# Seconds a sender keeps trying to record a send (the function runs for at most 60 s).
RECORD_SENT_PATIENCE = 25.0


class Dispatch(Protocol):
    """What a kind of message needs around its send."""

    def prepare(self, note: Delivery, now: datetime) -> Delivery | None:
        """The message as it is to be rendered, or None: drop it unsent."""

    def sent(self, note: Delivery, now: datetime) -> None:
        """``note`` went out at ``now``."""


class AsStored:
    """The dispatch of messages sent exactly as queued."""

    def prepare(self, note: Delivery, now: datetime) -> Delivery | None:
        return note

    def sent(self, note: Delivery, now: datetime) -> None:
        return None


AS_STORED = AsStored()


def deliver_due(store, provider: Provider, now: datetime, office_names: dict[str, str],
                limit: int = 100, emit: Callable = metrics.emit,
                dispatch: Dispatch = AS_STORED) -> Counter:
    """Deliver every message due at ``now``; returns counts by outcome.

    Outcomes: ``sent``, ``retry``, ``held`` (quiet hours), ``failed``, ``dropped`` (no
    longer wanted, see :class:`Dispatch`), ``skipped`` (another worker has it).
    """
    due = store.find_due(now, limit)
    # Queued messages are claimed together (one transaction); a message whose sender
    # died mid-delivery goes through ``deliver``, which reclaims it at most once. A message
    # that fails here is skipped and reported; its lease runs out and a later sweep sees it
    # again (twice: then it is given up, see ``deliver``).
    claimed = {c.id: c for c in store.claim_many(due, now)}

    def one(seen: Delivery) -> str:
        if seen.status != "queued":
            return deliver(store, seen, provider, now, office_names, emit, dispatch)
        if seen.id not in claimed:
            return "skipped"
        return _send(store, claimed[seen.id], provider, now, office_names, emit, dispatch)

    return Counter(each_record("delivery", due, one, lambda seen: seen.id, now, emit))


def deliver_now(store, provider: Provider, note_ids: list[str], now: datetime,
                office_names: dict[str, str], emit: Callable = metrics.emit,
                dispatch: Dispatch = AS_STORED) -> Counter:
    """Deliver the named messages (a wake-up) as the sweep would; counts by outcome.

    Only what the sweep would pick up is touched: a message sent, failed, not yet due or
    claimed by a sender whose lease still runs is ``skipped``, so a repeated wake-up
    sends nothing twice.
    """
    outcomes: Counter = Counter()
    for seen in store.get_many(note_ids):
        due = seen.due_at is not None and seen.due_at <= now
        outcomes[deliver(store, seen, provider, now, office_names, emit, dispatch) if due
                 else "skipped"] += 1
    return outcomes


def deliver(store, seen: Delivery, provider: Provider, now: datetime,
            office_names: dict[str, str], emit: Callable = metrics.emit,
            dispatch: Dispatch = AS_STORED) -> str:
    """Claim and send one message; the outcome name."""
    if seen.status == "sending" and seen.recovered:
        # Its sender died twice: stop here rather than send it a third time.
        return _give_up(store, seen, "lease expired twice; not resent again", now, emit)
    claimed = _claim(store, seen, now, emit)
    if claimed is None:
        return "skipped"
    return _send(store, claimed, provider, now, office_names, emit, dispatch)


def _send(store, claimed: Delivery, provider: Provider, now: datetime,
          office_names: dict[str, str], emit: Callable, dispatch: Dispatch) -> str:
    """Send a message we hold the claim of, and record the outcome."""
    hold = before_send(claimed, now)
    if hold is not None and hold.at is not None:
        store.hold(claimed, hold.reason, hold.at)
        log.info("notification %s held until %s", claimed.id, hold.at.isoformat())
        return "held"
    if hold is not None:
        return _give_up(store, claimed, hold.reason, now, emit)
    ready = dispatch.prepare(claimed, now)
    if ready is None:
        log.info("notification %s dropped: no longer wanted", claimed.id)
        return "dropped" if store.mark_failed(claimed, "not sent: no longer wanted",
                                              status="dropped") else "skipped"
    try:
        message = render(ready.kind, ready.language, ready.params, office_names)
        provider_id = provider.send(claimed.channel, claimed.recipient, message)
    except DeliveryError as error:
        return _after_failure(store, claimed, str(error), error.permanent, now, emit)
    except (KeyError, ValueError) as error:  # a template missing a param: retrying won't help
        return _after_failure(store, claimed, f"render: {error!r}", True, now, emit)
    if not record_sent(store, claimed, provider_id, now):
        log.warning("notification %s sent but its claim was taken over", claimed.id)
    _tell_sent(dispatch, claimed, now)
    return "sent"


def record_sent(store, claimed: Delivery, provider_id: str, now: datetime,
                patience: float = RECORD_SENT_PATIENCE, sleep: Callable | None = None) -> bool:
    """Record that the provider took the message, retrying while the table is busy or
    unreachable for up to ``patience`` seconds: a write lost here means that the message
    is sent again when its lease runs out (``NotificationsResent``).

    Raises:
        What ``store.mark_sent`` raised, when it is not worth retrying or time is up.
    """
    delay, waited = 0.5, 0.0
    while True:
        try:
            return store.mark_sent(claimed, provider_id, now)
        except Exception as error:
            if not retry_reason(error) or waited + delay > patience:
                raise
            log.warning("notification %s sent; recording it failed (%s), retrying",
                        claimed.id, retry_reason(error))
            (sleep or time.sleep)(delay)
            waited, delay = waited + delay, min(delay * 2, 8.0)


def _tell_sent(dispatch: Dispatch, note: Delivery, now: datetime) -> None:
    try:
        dispatch.sent(note, now)
    except Exception as error:  # noqa: BLE001 - it is sent; the sweep's timer still holds
        log.warning("notification %s sent; after-send step failed (%s)", note.id,
                    type(error).__name__)


def _claim(store, seen: Delivery, now: datetime, emit: Callable) -> Delivery | None:
    if seen.status == "queued":
        return store.claim(seen, now)
    if seen.status != "sending":
        return None
    # The previous sender's lease expired: it died during or just after the provider
    # call. Send once more (the family may get it twice rather than never).
    claimed = store.reclaim(seen, now)
    if claimed is not None:
        log.warning("notification %s: lease expired while sending; resending once", seen.id)
        emit("NotificationsResent", 1, now, Kind=seen.kind)
    return claimed


def _after_failure(store, claimed: Delivery, error: str, permanent: bool, now: datetime,
                   emit: Callable) -> str:
    then = after_failure(claimed, error, permanent, now)
    if then.at is None:
        return _give_up(store, claimed, then.reason, now, emit)
    store.mark_retry(claimed, then.reason, then.at)
    log.info("notification %s attempt %d failed; retry at %s", claimed.id,
             claimed.attempts, then.at.isoformat())
    return "retry"


def _give_up(store, claimed: Delivery, reason: str, now: datetime, emit: Callable) -> str:
    if not store.mark_failed(claimed, reason):
        return "skipped"
    _count_failed(claimed, now, emit)
    return "failed"


def _count_failed(note: Delivery, now: datetime, emit: Callable) -> None:
    log.error("notification %s (%s) failed for good after %d attempts", note.id, note.kind,
              note.attempts)
    emit("NotificationsFailed", 1, now, Kind=note.kind)

