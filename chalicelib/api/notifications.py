"""Notifications: the coordinator's listing, the minute sweep and the SQS wake-ups
(docs/api.md, docs/architecture.md §5)."""

from chalice import Blueprint, Rate

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_response, query_param
from chalicelib.domain.delivery import Delivery
from chalicelib.notify.wake import QUEUE
from chalicelib.services import notifications as use

bp = Blueprint(__name__)


def notification_json(note: Delivery) -> dict:
    return {"id": note.id, "kind": note.kind, "channel": note.channel,
            "recipient": note.recipient, "status": note.status,
            "created_at": note.created_at, "sent_at": note.sent_at,
            "last_error": note.last_error}


@endpoint(bp, "/notifications", authorizer=staff)
def list_notifications():
    request = bp.current_request
    wiring = bootstrap.wiring()
    notes = use.list_notifications(
        wiring.directory, wiring.deliveries, actor_of(request), bootstrap.now(),
        case_id=query_param(request, "case"), escalation_id=query_param(request, "escalation"))
    return json_response({"notifications": [notification_json(n) for n in notes]})


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_notifications(event):
    """Every minute: queue due reminders, deliver due messages (the only timer needed)."""
    wiring = bootstrap.wiring()
    outcomes = use.sweep(wiring.directory, wiring.deliveries, wiring.notifier, bootstrap.now(),
                         wiring.settings.public_url, bootstrap.dispatch())
    return dict(outcomes)


@bp.on_sqs_message(queue=QUEUE, batch_size=10)
def deliver_notifications(event):
    """Deliver the messages a commit just queued, seconds after it (a wake-up, not a timer).

    Returns SQS partial batch failures (``ReportBatchItemFailures``, patched onto the event
    source in infra/template.yaml): only wake-ups with a send to retry come back.
    """
    wiring = bootstrap.wiring()
    wake_ups = [(record.to_dict()["messageId"], record.body) for record in event]
    again = use.deliver_woken(wiring.directory, wiring.deliveries, wiring.notifier, wake_ups,
                              bootstrap.now(), bootstrap.dispatch())
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in again]}
