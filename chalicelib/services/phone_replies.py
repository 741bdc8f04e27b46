"""Acknowledge or resolve a page from the phone itself: an SMS reply or a key on a call.

The sender is known only by number: a number that is no on-call worker's changes nothing
(logged by the inbound message's id, never by number). A known worker's reply names a
page by its short code, or else means their newest page that is still open. The state
change is the escalation service's own ``acknowledge``/``resolve``: the same versioned
transaction as the link, so an acknowledgement stops the next step atomically.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.escalation import UNRESOLVED, WAITING
from chalicelib.domain.notification import Notification
from chalicelib.domain.phone_reply import SMS_OUTCOME, Reply, read_reply, same_number
from chalicelib.store import escalation_lists
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction, TransactionCancelled

log = logging.getLogger("tapaamo.phone_replies")

LISTED = 100  # open requests looked through; far more than are ever open at once


@dataclass(frozen=True)
class InboundReply:
    """One reply as the phone network reported it (two-way SMS or a Connect contact)."""

    message_id: str
    from_number: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What the reply did: ``acknowledged``, ``resolved``, ``help``, ``no-page`` or
    ``unknown-sender``; ``escalation_id`` when it changed one."""

    result: str
    escalation_id: str | None = None


class PhoneReplies:
    """Turns replies to pages into acknowledgements and resolutions."""

    def __init__(self, escalator, rota_store, list_by_status=escalation_lists.page_by_status,
                 with_code=escalation_lists.with_code):
        self.escalator, self.rota_store = escalator, rota_store
        self.list_by_status, self.with_code = list_by_status, with_code

    def handle(self, inbound: InboundReply, now: datetime, answer_by_sms: bool = True) -> Outcome:
        """Act on one reply; a reply that does nothing useful gets a help SMS back.

        Args:
            inbound: the reply.
            now: the time it is handled.
            answer_by_sms: False for a key pressed on a call (the call itself answers).
        """
        worker = self._worker_with(inbound.from_number)
        if worker is None:
            log.info("reply %s: not from an on-call worker; ignored", inbound.message_id)
            return Outcome("unknown-sender")
        reply = read_reply(inbound.text)
        escalation_id = None if reply.action == "help" else self._page_for(worker, reply)
        outcome = self._act(reply, escalation_id, worker, now)
        log.info("reply %s from worker %s: %s %s", inbound.message_id, worker, outcome.result,
                 outcome.escalation_id or "")
        if outcome.result in ("help", "no-page") and answer_by_sms:
            self._send_help(inbound, outcome.result, now)
        return outcome

    def _act(self, reply: Reply, escalation_id: str | None, worker: str,
             now: datetime) -> Outcome:
        if reply.action == "help":
            return Outcome("help")
        if escalation_id is None:
            return Outcome("no-page")
        try:
            if reply.action == "acknowledge":
                self.escalator.acknowledge(escalation_id, worker, now)
                return Outcome("acknowledged", escalation_id)
            self.escalator.resolve(escalation_id, SMS_OUTCOME, worker, now)
            return Outcome("resolved", escalation_id)
        except (Conflict, NotFound):
            # Taken or closed meanwhile (e.g. by the link): nothing left for this reply.
            return Outcome("no-page", escalation_id)

    def _worker_with(self, number: str) -> str | None:
        contacts = self.rota_store.load().contacts
        return next((w for w, reach in contacts.items() if same_number(reach.phone, number)),
                    None)

    def _page_for(self, worker: str, reply: Reply) -> str | None:
        """The worker's newest page the reply can act on (the one with the code, if named)."""
        statuses = WAITING if reply.action == "acknowledge" else UNRESOLVED
        if reply.code:
            candidates = [r for r in self.with_code(reply.code)
                          if r.escalation.status in statuses]
        else:
            candidates = [r for status in statuses
                          for r in self.list_by_status(status, None, LISTED).items]
        newest = None
        for record in candidates:
            paged_at = self._paged_at(record.escalation.id, worker)
            if paged_at is not None and (newest is None or paged_at > newest[0]):
                newest = (paged_at, record.escalation.id)
        return newest[1] if newest else None

    def _paged_at(self, escalation_id: str, worker: str) -> datetime | None:
        timeline = self.escalator.store.with_timeline(escalation_id)[1]
        times = [t.at for t in timeline if t.event == "paged" and t.detail.get("worker") == worker]
        return max(times, default=None)

    def _send_help(self, inbound: InboundReply, result: str, now: datetime) -> None:
        tx = Transaction()
        # Keyed by the inbound message: a duplicate delivery of it answers once.
        enqueue(tx, Notification("page-reply", "sms", inbound.from_number,
                                 f"page-reply:{inbound.message_id}", "fi",
                                 {"audience": "none"} if result == "no-page" else {}), now)
        try:
            tx.commit()
        except TransactionCancelled:
            log.info("reply %s answered already", inbound.message_id)
