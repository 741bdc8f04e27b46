"""The outbox sweep: claim each due message, send it, record the outcome.

Runs every minute (and may be woken early); safe to run twice or in parallel because
every step is a conditional write on the message (``store/deliveries.py``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain.delivery import Delivery, retry_at
from chalicelib.notify import metrics
from chalicelib.notify.providers import DeliveryError, Provider
from chalicelib.notify.templates import render
from chalicelib.store import deliveries

log = logging.getLogger("tapaamo.notify")


def deliver_due(provider: Provider, now: datetime, office_names: dict[str, str],
                limit: int = 100, emit: Callable = metrics.emit) -> Counter:
    """Deliver every message due at ``now``; returns counts by outcome.

    Outcomes: ``sent``, ``retry``, ``failed``, ``skipped`` (another worker has it).
    """
    outcomes: Counter = Counter()
    for seen in deliveries.find_due(now, limit):
        outcomes[deliver(seen, provider, now, office_names, emit)] += 1
    return outcomes


def deliver_now(provider: Provider, note_ids: list[str], now: datetime,
                office_names: dict[str, str], emit: Callable = metrics.emit) -> Counter:
    """Deliver the named messages (a wake-up) as the sweep would; counts by outcome.

    Only what the sweep would pick up is touched: a message sent, failed, not yet due or
    claimed by a sender whose lease still runs is ``skipped``, so a repeated wake-up
    sends nothing twice.
    """
    outcomes: Counter = Counter()
    for seen in deliveries.get_many(note_ids):
        due = seen.due_at is not None and seen.due_at <= now
        outcomes[deliver(seen, provider, now, office_names, emit) if due else "skipped"] += 1
    return outcomes


def deliver(seen: Delivery, provider: Provider, now: datetime, office_names: dict[str, str],
            emit: Callable = metrics.emit) -> str:
    """Claim and send one message; the outcome name."""
    if seen.status == "sending" and seen.recovered:
        # Its sender died twice: stop here rather than send it a third time.
        if deliveries.mark_failed(seen, "lease expired twice; not resent again"):
            _count_failed(seen, now, emit)
            return "failed"
        return "skipped"
    claimed = _claim(seen, now, emit)
    if claimed is None:
        return "skipped"
    try:
        message = render(claimed.kind, claimed.language, claimed.params, office_names)
        provider_id = provider.send(claimed.channel, claimed.recipient, message)
    except DeliveryError as error:
        return _after_failure(claimed, str(error), error.permanent, now, emit)
    except (KeyError, ValueError) as error:  # a template missing a param: retrying won't help
        return _after_failure(claimed, f"render: {error!r}", True, now, emit)
    if not deliveries.mark_sent(claimed, provider_id, now):
        log.warning("notification %s sent but its claim was taken over", claimed.id)
    return "sent"


def _claim(seen: Delivery, now: datetime, emit: Callable) -> Delivery | None:
    if seen.status == "queued":
        return deliveries.claim(seen, now)
    if seen.status != "sending":
        return None
    # The previous sender's lease expired: it died during or just after the provider
    # call. Send once more (the family may get it twice rather than never).
    claimed = deliveries.reclaim(seen, now)
    if claimed is not None:
        log.warning("notification %s: lease expired while sending; resending once", seen.id)
        emit("NotificationsResent", 1, now, Kind=seen.kind)
    return claimed


def _after_failure(claimed: Delivery, error: str, permanent: bool, now: datetime,
                   emit: Callable) -> str:
    at = None if permanent else retry_at(claimed.attempts, now)
    if at is not None:
        deliveries.mark_retry(claimed, error, at)
        log.info("notification %s attempt %d failed; retry at %s", claimed.id,
                 claimed.attempts, at.isoformat())
        return "retry"
    if deliveries.mark_failed(claimed, error):
        _count_failed(claimed, now, emit)
    return "failed"


def _count_failed(note: Delivery, now: datetime, emit: Callable) -> None:
    log.error("notification %s (%s) failed for good after %d attempts", note.id, note.kind,
              note.attempts)
    emit("NotificationsFailed", 1, now, Kind=note.kind)

