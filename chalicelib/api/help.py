"""The family's "we need help now" as JSON: ``POST /book/{token}/help`` (no sign-in)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.help_http import ask_for_help
from chalicelib.api.http import endpoint, json_object, json_response

bp = Blueprint(__name__)


@endpoint(bp, "/book/{token}/help", methods=["POST"])
def family_help(token):
    """201 {escalation_id}; joins the case's open one; 429 with Retry-After past the limit."""
    opened = ask_for_help(token, json_object(bp.current_request))
    return json_response({"escalation_id": opened.escalation_id}, status=201)
