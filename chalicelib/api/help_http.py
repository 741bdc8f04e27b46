"""What the help and alarm routes share: their body schemas (pydantic, loaded when a body
arrives), the 201 answer of an opened escalation, and the family's request for help (the
JSON route and the booking page's form)."""

from __future__ import annotations

from chalicelib import bootstrap
from chalicelib.api.http import json_response, parse
from chalicelib.services import help_requests


def schemas():
    """The escalation and help body schemas (``api/oncall_schemas.py``)."""
    from chalicelib.api import oncall_schemas  # pydantic: only when a body arrives

    return oncall_schemas


def opened_response(opened):
    """201 with the escalation the request opened or joined."""
    return json_response({"id": opened.escalation_id, "escalation_id": opened.escalation_id,
                          "status": opened.status, "added_to_open": opened.added_to_open},
                         status=201)


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
