"""Staff escalation endpoints: open, list, view, acknowledge, resolve (JSON).

Scoped (services/escalation_views.py): a worker sees and acts on an escalation only
while paged for it, on call for its level, or on its case; anything else is 404.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.help_http import opened_response, schemas
from chalicelib.api.http import actor_of, endpoint, json_object, json_response, parse, query_param
from chalicelib.domain.paging import page_size
from chalicelib.services.escalations import HelpRequest

bp = Blueprint(__name__)


@endpoint(bp, "/escalations", methods=["POST"], authorizer=staff)
def post_escalation():
    request = bp.current_request
    actor, now = actor_of(request), bootstrap.now()
    body = parse(schemas().EscalationIn, json_object(request))
    case = bootstrap.escalation_desk().case_for_opening(actor, body.case, now)
    contact = case.contact if case else None
    help_request = HelpRequest(
        source=body.source, case_id=case.id if case else None, message=body.message,
        family_phone=contact.phone if contact else None,
        family_email=contact.email if contact else None,
        language=contact.language if contact else "fi", requested_by=actor.label(),
        callback_phone=body.callback_phone)
    return opened_response(bootstrap.escalator().raise_alarm(help_request, now))


def summary_json(record) -> dict:
    """An escalation in a list: its state, no family details."""
    e = record.escalation
    return {"id": e.id, "code": record.short_code, "status": e.status, "level": e.target,
            "source": record.source, "case": record.case_id, "opened_at": e.opened_at,
            "next_action_at": e.next_action_at, "acknowledged_by": e.acknowledged_by,
            "acknowledged_at": e.acknowledged_at, "outcome": e.outcome,
            "fallback_sent": e.fallback_sent}


@endpoint(bp, "/escalations", authorizer=staff)
def list_escalations():
    request = bp.current_request
    page = bootstrap.escalation_desk().listing(
        actor_of(request), bootstrap.now(), query_param(request, "status"),
        query_param(request, "code"), query_param(request, "cursor"),
        page_size(query_param(request, "limit")))
    return json_response({"escalations": [summary_json(r) for r in page.items],
                          "cursor": page.cursor})


@endpoint(bp, "/escalations/{escalation_id}", authorizer=staff)
def get_escalation(escalation_id):
    seen = bootstrap.escalation_desk().read(actor_of(bp.current_request), escalation_id,
                                            bootstrap.now())
    return json_response({
        **summary_json(seen.record), "callback_phone": seen.record.callback_phone,
        "paged": list(seen.record.escalation.paged),
        "notifications": [{"id": n.id, "kind": n.kind, "channel": n.channel,
                           "recipient": n.recipient, "status": n.status,
                           "created_at": n.created_at, "sent_at": n.sent_at}
                          for n in seen.notices],
        "timeline": [{"at": t.at, "event": t.event, **t.detail} for t in seen.timeline],
    })


def _state_json(e):
    return {"id": e.id, "status": e.status, "acknowledged_by": e.acknowledged_by,
            "outcome": e.outcome}


@endpoint(bp, "/escalations/{escalation_id}/ack", methods=["POST"], authorizer=staff)
def post_ack(escalation_id):
    acked = bootstrap.escalation_desk().acknowledge(actor_of(bp.current_request), escalation_id,
                                                    bootstrap.now())
    return json_response(_state_json(acked))


@endpoint(bp, "/escalations/{escalation_id}/resolve", methods=["POST"], authorizer=staff)
def post_resolve(escalation_id):
    request = bp.current_request
    outcome = json_object(request).get("outcome")
    resolved = bootstrap.escalation_desk().resolve(actor_of(request), escalation_id, outcome,
                                                   bootstrap.now())
    return json_response(_state_json(resolved))
