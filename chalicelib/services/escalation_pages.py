"""Sending an on-call page: its link made at send time, stale pages dropped, waits restarted.

The sender's :class:`~chalicelib.notify.delivery.Dispatch` for ``escalation`` messages.
Before a page is rendered it reads the escalation (strongly consistent): a page whose
step is no longer the current one (acknowledged, moved on, fallen back) is dropped, not
sent late. A page still wanted gets its one-time link, derived from the page's reference
(``services/ack_links.py``). Once it is out, the step's wait is counted from then.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import escalation as machine
from chalicelib.domain.delivery import Delivery
from chalicelib.services import ack_links


def _is_page(note: Delivery) -> bool:
    return note.kind == "escalation" and bool(note.escalation_id) and "page" in note.params


class PageDispatch:
    """``prepare``/``sent`` of the delivery sweep for on-call pages; others pass through."""

    def __init__(self, escalator, public_url: str):
        self.escalator, self.public_url = escalator, public_url

    def prepare(self, note: Delivery, now: datetime) -> Delivery | None:
        if not _is_page(note):
            return note
        ref = note.params["page"]
        parsed = ack_links.parse_ref(ref)
        record = self.escalator.store.get(note.escalation_id)
        if parsed is None or record is None:
            return None
        pass_number, step_index = parsed
        if not machine.page_wanted(record.escalation, step_index, pass_number):
            return None
        token = ack_links.ack_token(self.escalator.ack_key, note.escalation_id, ref)
        return replace(note, params={**note.params,
                                     "link": ack_links.ack_url(self.public_url, token)})

    def sent(self, note: Delivery, now: datetime) -> None:
        if _is_page(note):
            self.escalator.page_went_out(note.escalation_id, note.params["page"], now)
