"""The staff console's escalation board: open, unanswered and acknowledged requests.

``static/board.js`` refetches this same page every 10 s and swaps the board in; without
JavaScript a reload shows the same. Acknowledge and resolve are plain forms (POST,
CSRF, redirect back).
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.web.escalation_board import BOARD_STATUSES, board_row

bp = Blueprint(__name__)
LISTED = 50  # per status; the 24 h line never has this many open at once


@console_route(bp, "/staff/escalations")
def board(visit: Visit):
    desk = bootstrap.escalation_desk()
    records = [r for status in BOARD_STATUSES
               for r in desk.listing(visit.actor, visit.now, status, None, None, LISTED).items]
    rows = [board_row(visit.words, visit.actor, desk.read(visit.actor, r.escalation.id, visit.now))
            for r in records]
    return visit.page("escalations.html", "staff.board.title", rows=rows,
                      statuses=BOARD_STATUSES)


@console_route(bp, "/staff/escalations/{escalation_id}/ack", methods=("POST",))
def acknowledge(visit: Visit, escalation_id: str):
    bootstrap.escalation_desk().acknowledge(visit.actor, escalation_id, visit.now)
    return visit.go("/staff/escalations")


@console_route(bp, "/staff/escalations/{escalation_id}/resolve", methods=("POST",))
def resolve(visit: Visit, escalation_id: str):
    bootstrap.escalation_desk().resolve(visit.actor, escalation_id, visit.field("outcome"),
                                        visit.now)
    return visit.go("/staff/escalations")
