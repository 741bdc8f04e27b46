"""Feedback surveys (coordinator): the link each service's families get after the final
meeting."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response
from chalicelib.services import feedback

bp = Blueprint(__name__)


@endpoint(bp, "/feedback-surveys/{service}", methods=["PUT"], authorizer=staff)
def set_survey(service):
    request = bp.current_request
    actor = actor_of(request)
    bootstrap.wiring()
    body = json_object(request)
    return json_response(feedback.set_survey(actor, service, body.get("url"), bootstrap.now()))
