"""What staff may see and do of escalations: scoped reads, lists and the gate before acts.

A coordinator sees every escalation. A worker sees one, and may acknowledge or resolve
it, only while they have been paged for it, are on call now for its current level, or
work on its case; anything else is 404, as for another case's data. Opening one for a
case needs the case (a worker: one they work on). Every read of an escalation of a case
is written to the case's audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.access import (Actor, may_handle_escalation, require_case_access,
                                      require_escalation_access)
from chalicelib.domain.errors import Gone, Invalid, NotFound
from chalicelib.domain.escalation import STATUSES
from chalicelib.domain.paging import Page
from chalicelib.services import ack_links
from chalicelib.store import escalation_lists
from chalicelib.store.escalations import EscalationRecord, SentNotice, TimelineEntry

SHORT_CODE = re.compile(r"[A-Za-z0-9]{1,16}")


@dataclass(frozen=True)
class EscalationView:
    """One escalation as staff see it."""

    record: EscalationRecord
    timeline: list[TimelineEntry]
    notices: list[SentNotice]


class EscalationDesk:
    """The staff side of escalations over the stores (``escalator`` does the changes)."""

    def __init__(self, escalator, directory):
        self.escalator, self.directory = escalator, directory
        self.store, self.rota_store = escalator.store, escalator.rota_store

    def case_for_opening(self, actor: Actor, case_id: str | None, now: datetime):
        """The case a new escalation is for (None: none named); 404 unless the actor may."""
        if not case_id:
            return None
        case = self.directory.get_case(case_id)
        if case is None:
            raise NotFound("no such case")
        require_case_access(actor, case)
        self.directory.add_audit(case.id, now, actor.label(), "escalation.open")
        return case

    def read(self, actor: Actor, escalation_id: str, now: datetime) -> EscalationView:
        """The escalation with its timeline and messages (404 outside the actor's scope)."""
        record, timeline = self.store.with_timeline(escalation_id)
        self._check(actor, record, now)
        if record.case_id:
            self.directory.add_audit(record.case_id, now, actor.label(), "escalation.read")
        return EscalationView(record, timeline, self.store.notices(escalation_id))

    def acknowledge(self, actor: Actor, escalation_id: str, now: datetime):
        """Take the request (404 outside the actor's scope, 409 if already taken)."""
        self._check(actor, self.store.get(escalation_id), now)
        return self.escalator.acknowledge(escalation_id, actor.worker_id or actor.label(), now)

    def resolve(self, actor: Actor, escalation_id: str, outcome, now: datetime):
        """Close the request with its outcome (404 outside the actor's scope)."""
        self._check(actor, self.store.get(escalation_id), now)
        return self.escalator.resolve(escalation_id, outcome, actor.worker_id or actor.label(),
                                      now)

    def listing(self, actor: Actor, now: datetime, status: str | None, code: str | None,
                cursor: str | None, size: int) -> Page[EscalationRecord]:
        """``?status=`` (paged) or ``?code=``; a worker's pages hold only their own."""
        if bool(status) == bool(code):
            raise Invalid("give exactly one of the query parameters status or code",
                          code="missing_parameter")
        if status and status not in STATUSES:
            raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
        if code and not SHORT_CODE.fullmatch(code):
            raise Invalid("code is the short code of a page, e.g. 830D97", field="code")
        page = (escalation_lists.page_by_status(status, cursor, size) if status
                else Page(tuple(escalation_lists.with_code(code))))
        if actor.is_coordinator:
            return page
        rota = self.rota_store.load()
        return Page(tuple(r for r in page.items if self._may(actor, r, now, rota)), page.cursor)

    def _check(self, actor: Actor, record: EscalationRecord | None, now: datetime) -> None:
        if record is None:
            raise NotFound("no such escalation")
        if not actor.is_coordinator:
            require_escalation_access(actor, *self._scope(record, now, self.rota_store.load()))

    def _may(self, actor: Actor, record: EscalationRecord, now: datetime, rota) -> bool:
        return may_handle_escalation(actor, *self._scope(record, now, rota))

    def _scope(self, record: EscalationRecord, now: datetime, rota):
        """(paged, on call now for its level, its case): what access is decided on."""
        # Nobody is on call for a closed request any more.
        on_call = None if record.escalation.status == "resolved" else \
            rota.resolver()(record.escalation.target, now)
        case = self.directory.get_case(record.case_id) if record.case_id else None
        return record.escalation.paged, on_call, case


@dataclass(frozen=True)
class LinkView:
    """What the one-time link's page shows the paged worker: the family's words and
    numbers, which are in no SMS."""

    record: EscalationRecord
    requests: list[TimelineEntry]  # "opened" and "request-added", oldest first
    callbacks: list[str]


def read_by_link(escalator, directory, token: str, now: datetime,
                 acknowledge: bool = False) -> LinkView:
    """The escalation a page's link names (``acknowledge``: acknowledge it first).

    Raises:
        NotFound: no such link (404). Gone: used or expired (410).
        Conflict: acknowledging one already acknowledged or resolved (409).
    """
    if acknowledge:
        escalator.acknowledge_link(token, now)
    link = escalator.store.ack_link(ack_links.token_hash(token))
    if link is None:
        raise NotFound("no such acknowledgement link")
    if not acknowledge and (link.used_at is not None or link.expires_at <= now):
        raise Gone("this acknowledgement link has been used or has expired")
    record, timeline = escalator.store.with_timeline(link.escalation_id)
    if record is None:
        raise NotFound("no such escalation")
    if record.case_id:
        directory.add_audit(record.case_id, now, f"worker:{link.worker_id}", "escalation.read")
    requests = [t for t in timeline if t.event in ("opened", "request-added")]
    callbacks = list(dict.fromkeys(t.detail["callback_phone"] for t in requests
                                   if t.detail.get("callback_phone")))
    if record.callback_phone and record.callback_phone not in callbacks:
        callbacks.insert(0, record.callback_phone)
    return LinkView(record, requests, callbacks)
