"""Escalation endpoints: open, view, acknowledge (also by one-time link), resolve, and
the phone system's signed missed-call hook (DESIGN.md §4, §7)."""

from __future__ import annotations

import hashlib
import hmac
import html
import logging

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response, parse
from chalicelib.domain.errors import DomainError, NotFound, Unauthorized
from chalicelib.services.escalations import HelpRequest
from chalicelib.services.links import open_link
from chalicelib.web.render import SECURITY_HEADERS

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.api.escalations")


def _schemas():
    from chalicelib.api import oncall_schemas  # pydantic: only when a body arrives

    return oncall_schemas


def _request_for(case_id, source, message, callback_phone, by, audit_actor,
                 case=None) -> HelpRequest:
    """Whom to tell: the callback number, else the case's contact (language from the case)."""
    if case_id and case is None:
        case = bootstrap.wiring().directory.get_case(case_id)
        if case is None:
            raise NotFound("no such case")
    if case:
        bootstrap.wiring().directory.add_audit(case.id, bootstrap.now(), audit_actor,
                                               "escalation.open")
    contact = case.contact if case else None
    return HelpRequest(source=source, case_id=case_id, message=message,
                       family_phone=callback_phone or (contact.phone if contact else None),
                       family_email=contact.email if contact else None,
                       language=contact.language if contact else "fi", requested_by=by)


def _opened_response(opened):
    return json_response({"id": opened.escalation_id, "escalation_id": opened.escalation_id,
                          "status": opened.status, "added_to_open": opened.added_to_open},
                         status=201)


@endpoint(bp, "/escalations", methods=["POST"], authorizer=staff)
def post_escalation():
    request = bp.current_request
    actor = actor_of(request)
    body = parse(_schemas().EscalationIn, json_object(request))
    help_request = _request_for(body.case, body.source, body.message, body.callback_phone,
                                actor.label(), actor.label())
    return _opened_response(bootstrap.escalator().raise_alarm(help_request, bootstrap.now()))


@endpoint(bp, "/escalations/{escalation_id}", authorizer=staff)
def get_escalation(escalation_id):
    actor = actor_of(bp.current_request)
    store = bootstrap.wiring().escalations
    record, timeline = store.with_timeline(escalation_id)
    if record is None:
        raise NotFound("no such escalation")
    if record.case_id:
        bootstrap.wiring().directory.add_audit(record.case_id, bootstrap.now(), actor.label(),
                                               "escalation.read")
    e = record.escalation
    return json_response({
        "id": e.id, "code": record.short_code, "status": e.status, "level": e.target,
        "source": record.source, "case": record.case_id, "callback_phone": record.family_phone,
        "opened_at": e.opened_at, "next_action_at": e.next_action_at,
        "acknowledged_by": e.acknowledged_by, "acknowledged_at": e.acknowledged_at,
        "outcome": e.outcome, "fallback_sent": e.fallback_sent,
        "notifications": [{"id": n.id, "kind": n.kind, "channel": n.channel,
                           "recipient": n.recipient, "status": n.status,
                           "created_at": n.created_at, "sent_at": n.sent_at}
                          for n in store.notices(escalation_id)],
        "timeline": [{"at": t.at, "event": t.event, **t.detail} for t in timeline],
    })


def _state_json(e):
    return {"id": e.id, "status": e.status, "acknowledged_by": e.acknowledged_by,
            "outcome": e.outcome}


@endpoint(bp, "/escalations/{escalation_id}/ack", methods=["POST"], authorizer=staff)
def post_ack(escalation_id):
    actor = actor_of(bp.current_request)
    acked = bootstrap.escalator().acknowledge(escalation_id, actor.worker_id or actor.label(),
                                              bootstrap.now())
    return json_response(_state_json(acked))


@endpoint(bp, "/escalations/{escalation_id}/resolve", methods=["POST"], authorizer=staff)
def post_resolve(escalation_id):
    request = bp.current_request
    actor = actor_of(request)
    outcome = json_object(request).get("outcome")
    resolved = bootstrap.escalator().resolve(escalation_id, outcome,
                                             actor.worker_id or actor.label(), bootstrap.now())
    return json_response(_state_json(resolved))


@endpoint(bp, "/book/{token}/help", methods=["POST"])
def family_help(token):
    """The family's "we need help now": 201 {escalation_id}; joins an open one."""
    opened = ask_for_help(token, json_object(bp.current_request))
    return json_response({"escalation_id": opened.escalation_id}, status=201)


def ask_for_help(token: str, fields: dict):
    """The family's request for help (this JSON route and the booking page's form).

    Opens the case's escalation, or adds to the open one.

    Raises:
        NotFound: unknown link (404). Gone: expired or revoked link (410).
        Invalid: a malformed message or callback phone.
    """
    now = bootstrap.now()
    bootstrap.wiring()
    case, _ = open_link(token, now)
    body = parse(_schemas().HelpIn, fields)
    help_request = _request_for(case.id, "family", body.message, body.callback_phone, "family",
                                "family", case=case)
    return bootstrap.escalator().raise_alarm(help_request, now)


# --- the one-time link in a page: GET confirms, POST acknowledges --------------------

PAGE = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Tapaamo – päivystys</title></head>
<body><main><h1>{title}</h1><p>{text}</p>{form}</main></body></html>"""


def _page(title: str, text: str, status: int = 200, form: str = "") -> Response:
    return Response(PAGE.format(title=html.escape(title), text=html.escape(text), form=form),
                    status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8",
                             "Cache-Control": "no-store", **SECURITY_HEADERS})


def _ack_page(action):
    # The token is in the path; the pages show no case data, so none can leak.
    try:
        return action()
    except DomainError as error:
        status = {"NotFound": 404, "Gone": 410, "Conflict": 409}.get(type(error).__name__, 400)
        return _page("Kuittausta ei voi tehdä / Cannot acknowledge", error.message, status)


@bp.route("/ack/{token}", methods=["GET"])
def get_ack_link(token):
    def confirm():
        link = bootstrap.wiring().escalations.ack_link(
            hashlib.sha256(token.encode()).hexdigest())
        if link is None:
            raise NotFound("no such acknowledgement link")
        form = ('<form method="post"><button type="submit">'
                'Kuittaan – soitan perheelle / I acknowledge</button></form>')
        return _page("Päivystyspyyntö / Escalation",
                     "Kuittaa, että otat pyynnön hoitaaksesi. / "
                     "Confirm that you are taking this request.", form=form)

    return _ack_page(confirm)


@bp.route("/ack/{token}", methods=["POST"],
          content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"])
def post_ack_link(token):
    def acknowledge():
        bootstrap.escalator().acknowledge_link(token, bootstrap.now())
        return _page("Kuitattu / Acknowledged",
                     "Pyyntö on sinulla; muita ei enää hälytetä. / "
                     "The request is yours; nobody else will be paged.")

    return _ack_page(acknowledge)


# --- the phone system ----------------------------------------------------------------

def verify_signature(secret: str | None, body: bytes, header: str | None) -> None:
    """Unauthorized unless ``header`` is ``sha256=<hex HMAC-SHA256 of body>``."""
    expected = "sha256=" + hmac.new((secret or "").encode(), body, hashlib.sha256).hexdigest()
    # Constant-time compare; with no secret configured nothing is accepted.
    if not secret or not hmac.compare_digest(expected.encode(), (header or "").encode()):
        raise Unauthorized("bad or missing signature", code="bad_signature")


@endpoint(bp, "/hooks/missed-call", methods=["POST"])
def missed_call():
    request = bp.current_request
    verify_signature(bootstrap.wiring().settings.hook_secret, request.raw_body or b"",
                     request.headers.get("x-tapaamo-signature"))
    body = parse(_schemas().MissedCallIn, json_object(request))
    help_request = _request_for(body.case, "missed-call", None, body.caller, "phone-system",
                                "phone-system")
    return _opened_response(bootstrap.escalator().raise_alarm(help_request, bootstrap.now()))
