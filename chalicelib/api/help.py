"""The family's "we need help now" as JSON: ``POST /book/{token}/help`` (no sign-in)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.escalations import schemas
from chalicelib.api.http import endpoint, json_object, json_response, parse
from chalicelib.services import help_requests

bp = Blueprint(__name__)


@endpoint(bp, "/book/{token}/help", methods=["POST"])
def family_help(token):
    """201 {escalation_id}; joins the case's open one; 429 with Retry-After past the limit."""
    opened = ask_for_help(token, json_object(bp.current_request))
    return json_response({"escalation_id": opened.escalation_id}, status=201)


def ask_for_help(token: str, fields: dict):
    """The family's request for help (this JSON route and the booking page's form).

    Raises:
        NotFound: unknown link (404). Gone: expired or revoked link (410).
        Rejected: a malformed message or callback phone (422). TooMany: over the limit.
    """
    wiring = bootstrap.wiring()
    body = parse(schemas().HelpIn, fields)
    return help_requests.ask_for_help(bootstrap.escalator(), wiring.directory,
                                      wiring.rate_limits, token, body.message,
                                      body.callback_phone, bootstrap.now())
