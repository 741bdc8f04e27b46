"""The phone system's signed missed-call hook: a missed call on the 24 h line escalates."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap, tokens
from chalicelib.api.help_http import opened_response, schemas
from chalicelib.api.http import endpoint, json_object, parse
from chalicelib.domain.errors import NotFound, Unauthorized
from chalicelib.services.escalations import HelpRequest

bp = Blueprint(__name__)


def verify_signature(secret: str | None, body: bytes, header: str | None) -> None:
    """Unauthorized unless ``header`` is ``sha256=<hex HMAC-SHA256 of body>``."""
    expected = "sha256=" + tokens.mac_hex((secret or "").encode(), body)
    # Constant-time compare; with no secret configured nothing is accepted.
    if not secret or not tokens.same(header or "", expected):
        raise Unauthorized("bad or missing signature", code="bad_signature")


@endpoint(bp, "/hooks/missed-call", methods=["POST"])
def missed_call():
    request = bp.current_request
    wiring = bootstrap.wiring()
    verify_signature(wiring.settings.hook_secret, request.raw_body or b"",
                     request.headers.get("x-tapaamo-signature"))
    body = parse(schemas().MissedCallIn, json_object(request))
    case = wiring.directory.get_case(body.case) if body.case else None
    if body.case and case is None:
        raise NotFound("no such case")
    now = bootstrap.now()
    if case:
        wiring.directory.add_audit(case.id, now, "phone-system", "escalation.open")
    # The caller's number comes from the phone network through a signed hook, not from a
    # form: the caller is told help is coming and is the number to call back.
    contact = case.contact if case else None
    help_request = HelpRequest(
        source="missed-call", case_id=body.case, family_phone=body.caller,
        family_email=contact.email if contact else None,
        language=contact.language if contact else "fi", requested_by="phone-system",
        callback_phone=body.caller)
    return opened_response(bootstrap.escalator().raise_alarm(help_request, now))
