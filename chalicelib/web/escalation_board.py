"""The escalation board's rows: what the template shows of each open or recent request.

The family's words and callback numbers are shown only to coordinators and to the
worker who acknowledged the request; everyone else sees the code, the case, the steps
and the pages with their delivery status.
"""

from __future__ import annotations

from chalicelib.domain.access import Actor
from chalicelib.domain.escalation import OUTCOMES, UNRESOLVED, WAITING
from chalicelib.services.escalation_views import EscalationView
from chalicelib.web.i18n import Words, catalogue

BOARD_STATUSES = UNRESOLVED
REQUEST_EVENTS = ("opened", "request-added")


def may_see_words(actor: Actor, view: EscalationView) -> bool:
    """Coordinators, and the on-call worker who took the request, see what the family said."""
    return actor.is_coordinator or (
        actor.worker_id is not None
        and actor.worker_id == view.record.escalation.acknowledged_by)


def board_row(words: Words, actor: Actor, view: EscalationView) -> dict:
    """One request on the board."""
    record, escalation = view.record, view.record.escalation
    pages = [n for n in view.notices if n.kind == "escalation"]
    requests = [t for t in view.timeline if t.event in REQUEST_EVENTS]
    shown = may_see_words(actor, view)
    return {
        "id": escalation.id, "code": record.short_code, "case_id": record.case_id,
        "status": escalation.status,
        "status_label": words(f"staff.escalation.{escalation.status}"),
        "opened": words.datetime(escalation.opened_at),
        "acknowledged_by": escalation.acknowledged_by,
        "steps": [words("staff.board.step", target=_target(words, s.notify),
                        wait=_wait(words, s.wait_seconds)) for s in escalation.policy.steps],
        "repeat": escalation.policy.repeat,
        "paged": [{"when": words.datetime(t.at), "worker": t.detail.get("worker"),
                   "step": t.detail.get("step"), "round": t.detail.get("round")}
                  for t in view.timeline if t.event == "paged"],
        "deliveries": [{"channel": words(f"staff.channel.{n.channel}"),
                        "status": n.status, "status_label": _delivery(words, n.status),
                        "when": words.datetime(n.sent_at or n.created_at)} for n in pages],
        "shown": shown,
        "messages": [t.detail["message"] for t in requests if shown and t.detail.get("message")],
        "callbacks": list(dict.fromkeys(t.detail["callback_phone"] for t in requests
                                        if shown and t.detail.get("callback_phone"))),
        "may_ack": escalation.status in WAITING,
        "outcomes": [(o, words(f"staff.board.outcome.{o}")) for o in OUTCOMES],
    }


def _wait(words: Words, seconds: int) -> str:
    if seconds % 60:
        return words("staff.board.seconds", count=seconds)
    return words("staff.board.minutes", count=seconds // 60)


def _delivery(words: Words, status: str) -> str:
    key = f"staff.board.delivery.{status}"
    return words(key) if key in catalogue(words.language) else status


def _target(words: Words, notify: str) -> str:
    if notify.startswith("worker:"):
        return notify.removeprefix("worker:")
    return words(f"staff.board.level.{notify}")
