"""Notifications: the coordinator's listing and the minute sweep (DESIGN.md §4, §3)."""

from chalice import Blueprint, Rate

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_response, query_param
from chalicelib.domain.delivery import Delivery
from chalicelib.services import notifications as use

bp = Blueprint(__name__)


def notification_json(note: Delivery) -> dict:
    return {"id": note.id, "kind": note.kind, "channel": note.channel,
            "recipient": note.recipient, "status": note.status,
            "created_at": note.created_at, "sent_at": note.sent_at}


@endpoint(bp, "/notifications", authorizer=staff)
def list_notifications():
    request = bp.current_request
    notes = use.list_notifications(
        bootstrap.wiring().directory, actor_of(request), bootstrap.now(),
        case_id=query_param(request, "case"), escalation_id=query_param(request, "escalation"))
    return json_response({"notifications": [notification_json(n) for n in notes]})


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_notifications(event):
    """Every minute: queue due reminders, deliver due messages (the only timer needed)."""
    wiring = bootstrap.wiring()
    outcomes = use.sweep(wiring.directory, wiring.notifier, bootstrap.now())
    return dict(outcomes)
