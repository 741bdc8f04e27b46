"""Escalate a request for help: open, sweep due steps, acknowledge, resolve (päivystys).

Each use case reads what it needs, runs the pure state machine
(chalicelib.domain.escalation), and commits the new state, its timeline entries, ack
links and outbox notifications in ONE transaction conditioned on the version it read: a
sweep racing an acknowledgement either pages before the ack or not at all.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain import escalation as machine
from chalicelib.domain.errors import Conflict, Gone, NotFound, Unavailable
from chalicelib.domain.notification import Notification
from chalicelib.jobs import each_record
from chalicelib.services import ack_links
from chalicelib.store import escalations as esc_store
from chalicelib.store.escalations import EscalationRecord
from chalicelib.store.outbox import enqueue
from chalicelib.store.retry import AGAIN, retrying
from chalicelib.store.tx import Transaction, TransactionCancelled

log = logging.getLogger("tapaamo.escalations")

ACK_LINK_LIFETIME = timedelta(hours=24)
ATTEMPTS = 3


@dataclass(frozen=True)
class HelpRequest:
    """Someone asks for help now.

    ``family_*`` is whom to tell that help is coming (None: nobody): the case's own
    contact, never a number typed into a form. ``callback_phone`` is the number to call
    back, shown to the on-call worker.
    """

    source: str
    case_id: str | None = None
    message: str | None = None
    family_phone: str | None = None
    family_email: str | None = None
    language: str = "fi"
    requested_by: str | None = None
    callback_phone: str | None = None


@dataclass(frozen=True)
class Opened:
    escalation_id: str
    status: str
    added_to_open: bool


def _tag(escalation: machine.Escalation, seq: int) -> str:
    # The version of the transition writing an entry makes its key unique.
    return f"v{escalation.version:04d}.{seq:02d}"


class Escalator:
    """The escalation use cases over the stores, the rota and the settings."""

    def __init__(self, store, rota_store, settings, new_id=lambda: secrets.token_hex(8),
                 ack_key: bytes | None = None):
        self.store, self.rota_store, self.settings = store, rota_store, settings
        self.new_id = new_id
        self.ack_key = ack_key if ack_key is not None else ack_links.link_key(settings)

    # --- opening -------------------------------------------------------------------
    def raise_alarm(self, request: HelpRequest, now: datetime) -> Opened:
        """Open an escalation, or add the request to the case's open one."""
        def attempt(_):
            open_id = request.case_id and self.store.open_escalation_of(request.case_id)
            if open_id:
                return self._add_request(open_id, request, now)
            try:
                return self._open(request, now)
            except TransactionCancelled as cancelled:
                if "pointer" not in cancelled.failed:
                    raise
                return AGAIN  # another request opened the case's escalation meanwhile

        return retrying(attempt, ATTEMPTS, Unavailable(
            "busy: the case's escalation changed meanwhile; try again"))

    def _open(self, request: HelpRequest, now: datetime) -> Opened:
        rota = self.rota_store.load()
        escalation_id = self.new_id()
        escalation, actions = machine.open_escalation(escalation_id, rota.policy_in_force, now,
                                                      rota.resolver())
        record = EscalationRecord(escalation, request.source, escalation_id[:6].upper(),
                                  request.case_id, request.family_phone, request.family_email,
                                  request.language, request.callback_phone)
        tx = Transaction()
        # With nobody on call at any step it ends at once (fallback): nothing to join, and
        # claiming and releasing the case's pointer in one transaction is not allowed.
        stays_open = not any(isinstance(a, machine.FamilyFallback) for a in actions)
        if request.case_id and stays_open:
            esc_store.claim_case(tx, request.case_id, escalation_id)
        esc_store.add_new(tx, record)
        esc_store.add_event(tx, escalation_id, now, _tag(escalation, 0), "opened",
                            source=request.source, by=request.requested_by,
                            message=request.message, callback_phone=request.callback_phone)
        self._effects(tx, record, escalation, actions, rota, now, case_claimed=stays_open)
        tx.commit()
        log.info("escalation %s opened (source %s)", escalation_id, request.source)
        return Opened(escalation_id, escalation.status, added_to_open=False)

    def _add_request(self, escalation_id: str, request: HelpRequest, now: datetime) -> Opened:
        record = self.store.get(escalation_id)
        if record is None:
            raise NotFound("no such escalation")
        tx = Transaction()
        request_tag = f"r{secrets.token_hex(3)}"
        esc_store.add_event(tx, escalation_id, now, request_tag, "request-added",
                            source=request.source, by=request.requested_by,
                            message=request.message, callback_phone=request.callback_phone)
        self._tell_family(tx, record, "escalation-received", now, f"received:{request_tag}")
        tx.commit()
        log.info("request added to escalation %s", escalation_id)
        return Opened(escalation_id, record.escalation.status, added_to_open=True)

    # --- the timer -----------------------------------------------------------------
    def sweep(self, now: datetime) -> int:
        """Advance every due escalation; returns how many moved. Safe to run twice."""
        due = self.store.due(now)
        if not due:
            return 0
        rota = self.rota_store.load()

        def step(record) -> bool:
            after, actions = machine.advance(record.escalation, now, rota.resolver())
            if not actions:
                return False
            tx = Transaction()
            esc_store.add_transition(tx, record.escalation, after)
            self._effects(tx, record, after, actions, rota, now)
            try:
                tx.commit()
                return True
            except (TransactionCancelled, Unavailable):
                # Acknowledged, resolved or advanced by someone else since we read it (or
                # being so right now): the next sweep looks again.
                log.info("escalation %s changed meanwhile; step not taken", after.id)
                return False

        # One escalation that fails must not hold up the others' pages.
        return sum(each_record("escalation-sweep", due, step,
                               lambda record: record.escalation.id, now))

    # --- acknowledging and resolving -------------------------------------------------
    def acknowledge(self, escalation_id: str, worker: str, now: datetime,
                    link_hash: str | None = None) -> machine.Escalation:
        """Stop the chain; a link acknowledges at most once."""
        def change(record):
            return machine.acknowledge(record.escalation, worker, now)

        return self._transition(escalation_id, change, now, "acknowledged", worker, link_hash)

    def acknowledge_link(self, token: str, now: datetime) -> machine.Escalation:
        """Acknowledge with the one-time link from a page (410 once used or expired)."""
        link_hash = ack_links.token_hash(token)
        link = self.store.ack_link(link_hash)
        if link is None:
            raise NotFound("no such acknowledgement link")
        if link.used_at is not None or link.expires_at <= now:
            raise Gone("this acknowledgement link has been used or has expired")
        return self.acknowledge(link.escalation_id, link.worker_id, now, link_hash)

    def page_went_out(self, escalation_id: str, ref: str, sent_at: datetime) -> bool:
        """Count the paged step's wait from ``sent_at`` (the sender calls this once the
        page is out); False when the chain has moved on or the timer already runs long
        enough. A sweep that read the old timer is fenced off by the version."""
        parsed = ack_links.parse_ref(ref)
        record = self.store.get(escalation_id)
        if parsed is None or record is None:
            return False
        pass_number, step_index = parsed
        after = machine.page_went_out(record.escalation, step_index, pass_number, sent_at)
        if after is None:
            return False
        tx = Transaction()
        esc_store.add_transition(tx, record.escalation, after)
        esc_store.add_event(tx, escalation_id, sent_at, _tag(after, 0), "page-sent",
                            step=step_index + 1, round=pass_number + 1)
        try:
            tx.commit()
        except (TransactionCancelled, Unavailable):
            # Acknowledged or advanced meanwhile: that write decides; nothing to wait for.
            log.info("escalation %s changed before its page's timer moved", escalation_id)
            return False
        return True

    def resolve(self, escalation_id: str, outcome: str, worker: str,
                now: datetime) -> machine.Escalation:
        def change(record):
            return machine.resolve(record.escalation, outcome, worker, now)

        return self._transition(escalation_id, change, now, "resolved", worker, None,
                                outcome=outcome)

    def _transition(self, escalation_id, change, now, event, worker, link_hash, **detail):
        def attempt(_):
            record = self.store.get(escalation_id)
            if record is None:
                raise NotFound("no such escalation")
            after = change(record)  # Conflict when already acknowledged/resolved
            tx = Transaction()
            esc_store.add_transition(tx, record.escalation, after)
            esc_store.add_event(tx, escalation_id, now, _tag(after, 0), event, by=worker,
                                **detail)
            if link_hash:
                esc_store.use_ack_link(tx, link_hash, now)
            pointer = record.case_id and self.store.open_escalation_of(record.case_id)
            if after.status == "resolved" and pointer == escalation_id:
                esc_store.release_case(tx, record.case_id, escalation_id)
            try:
                tx.commit()
            except TransactionCancelled as cancelled:
                if "ack_link" in cancelled.failed:
                    raise Gone("this acknowledgement link has been used") from cancelled
                return AGAIN  # a sweep wrote the same item this instant: read again
            log.info("escalation %s %s", escalation_id, event)
            return after

        return retrying(attempt, ATTEMPTS, Conflict(
            "the escalation keeps changing; reload and retry", code="concurrent_update"))

    # --- effects of the machine's actions --------------------------------------------
    def _effects(self, tx, record, after, actions, rota, now, case_claimed=True) -> None:
        escalation_id = record.escalation.id
        for seq, action in enumerate(actions, start=1):
            tag = _tag(after, seq)
            if isinstance(action, machine.FamilyReceived):
                self._tell_family(tx, record, "escalation-received", now, "received:opened")
            elif isinstance(action, machine.FamilyFallback):
                self._tell_family(tx, record, "escalation-fallback", now, "fallback")
                self._tell_coordinators(tx, record, now)
                esc_store.add_event(tx, escalation_id, now, tag, "fallback-sent")
                if record.case_id and case_claimed:
                    esc_store.release_case(tx, record.case_id, escalation_id)
            elif isinstance(action, machine.Skipped):
                esc_store.add_event(tx, escalation_id, now, tag, "skipped", target=action.target,
                                    step=action.step_index + 1, round=action.pass_number + 1)
            else:
                self._page(tx, record, action, rota, now, tag)

    def _page(self, tx, record, page: machine.Page, rota, now, tag) -> None:
        escalation_id = record.escalation.id
        ref = ack_links.page_ref(page.pass_number, page.step_index)
        token = ack_links.ack_token(self.ack_key, escalation_id, ref)
        esc_store.add_ack_link(tx, ack_links.token_hash(token), escalation_id, page.worker_id,
                               now + ACK_LINK_LIFETIME)
        # No token and no link here: the sender derives the link from ``page`` when it
        # renders the SMS (services/escalation_pages.py).
        params = {"code": record.short_code, "case": record.case_id or "",
                  "callback": record.callback_phone or "", "page": ref}
        reach = rota.reach(page.worker_id)
        key = f"escalation:{escalation_id}:page:{page.pass_number}:{page.step_index}"
        for channel, recipient in (("sms", reach.phone), ("email", reach.email)):
            if recipient:
                enqueue(tx, Notification("escalation", channel, recipient, key, "fi", params,
                                         escalation_id=escalation_id), now)
        target = record.escalation.policy.steps[page.step_index].notify
        esc_store.add_event(tx, escalation_id, now, tag, "paged", worker=page.worker_id,
                            target=target, step=page.step_index + 1, round=page.pass_number + 1,
                            reachable=bool(reach.phone or reach.email))

    def _tell_family(self, tx, record, kind, now, key_suffix) -> None:
        params = {"code": record.short_code, "support_phone": self.settings.support_phone,
                  "crisis_phone": self.settings.crisis_phone}
        if kind == "escalation-fallback":
            params["emergency_number"] = "112"
        key = f"escalation:{record.escalation.id}:{key_suffix}"
        for channel, recipient in (("sms", record.family_phone), ("email", record.family_email)):
            if recipient:
                enqueue(tx, Notification(kind, channel, recipient, key, record.language, params,
                                         escalation_id=record.escalation.id), now)

    def _tell_coordinators(self, tx, record, now) -> None:
        """E-mail the coordinators that a request went unanswered (no family details)."""
        params = {"audience": "staff", "code": record.short_code, "case": record.case_id or ""}
        key = f"escalation:{record.escalation.id}:fallback:coordinators"
        for address in self.settings.coordinator_emails:
            enqueue(tx, Notification("escalation-fallback", "email", address, key, "fi", params,
                                     escalation_id=record.escalation.id), now)
