"""On-call rota endpoints: rotations, overrides, the policy, who is on call, gaps (docs/api.md)."""

from __future__ import annotations

from datetime import datetime

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import (actor_of, bound_param, endpoint, instant_param, json_object,
                                 json_response, page_json, page_params)
from chalicelib.domain.access import require_coordinator
from chalicelib.domain.escalation import policy_from_dict, policy_to_dict
from chalicelib.domain.instants import parse_instant
from chalicelib.domain.oncall import override_from_dict, rotation_from_dict, utc
from chalicelib.services import oncall as use

bp = Blueprint(__name__)


def _holder_json(holder: use.OnCall | None):
    return {"worker": holder.worker, "phone": holder.phone} if holder else None


def _rotation_json(rotation) -> dict:
    return {"id": rotation.id, "level": rotation.level, "workers": list(rotation.workers),
            "start": rotation.start, "shift_hours": rotation.shift_hours, "end": rotation.end}


def _override_json(override) -> dict:
    return {"id": override.key, "worker": override.worker, "level": override.level,
            "start": override.start, "end": override.end}


def _end_instant(request) -> datetime:
    """The body's ``at`` (default: now) as a UTC instant."""
    at = json_object(request).get("at")
    return utc(bootstrap.now() if at is None else parse_instant(at, "at"), "at")


@endpoint(bp, "/oncall/rotations", methods=["POST"], authorizer=staff)
def post_rotation():
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    rotation = rotation_from_dict(json_object(request))
    wiring = bootstrap.wiring()
    saved = use.put_rotation(wiring.rota, wiring.directory, actor, rotation)
    return json_response(_rotation_json(saved), status=201)


@endpoint(bp, "/oncall/rotations", authorizer=staff)
def list_rotations():
    request = bp.current_request
    actor_of(request)
    page = use.list_rotations(bootstrap.wiring().rota, *page_params(request))
    return json_response(page_json("rotations", page, _rotation_json))


@endpoint(bp, "/oncall/rotations/{rotation_id}/end", methods=["POST"], authorizer=staff)
def end_rotation(rotation_id):
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    ended = use.end_rotation(bootstrap.wiring().rota, actor, rotation_id, _end_instant(request))
    return json_response(_rotation_json(ended))


@endpoint(bp, "/oncall/overrides", authorizer=staff)
def list_overrides():
    actor_of(bp.current_request)
    found = use.list_overrides(bootstrap.wiring().rota)
    return json_response({"overrides": [_override_json(o) for o in found]})


@endpoint(bp, "/oncall/overrides/{override_id}", methods=["PUT"], authorizer=staff)
def put_override(override_id):
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    override = override_from_dict(json_object(request))
    wiring = bootstrap.wiring()
    saved = use.replace_override(wiring.rota, wiring.directory, actor, override_id, override,
                                 bootstrap.now())
    return json_response(_override_json(saved))


@endpoint(bp, "/oncall/overrides/{override_id}/end", methods=["POST"], authorizer=staff)
def end_override(override_id):
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    use.end_override(bootstrap.wiring().rota, actor, override_id, _end_instant(request))
    return Response("", status_code=204)


@endpoint(bp, "/oncall/overrides", methods=["POST"], authorizer=staff)
def post_override():
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    override = override_from_dict(json_object(request))
    wiring = bootstrap.wiring()
    saved = use.put_override(wiring.rota, wiring.directory, actor, override, bootstrap.now())
    return json_response(_override_json(saved), status=201)


@endpoint(bp, "/oncall/policy", methods=["PUT"], authorizer=staff)
def put_policy():
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body
    policy = policy_from_dict(json_object(request))
    wiring = bootstrap.wiring()
    return json_response(policy_to_dict(use.put_policy(wiring.rota, wiring.directory, actor,
                                                       policy)))


@endpoint(bp, "/oncall/policy", authorizer=staff)
def get_policy():
    actor_of(bp.current_request)
    policy, is_default = use.policy_in_force(bootstrap.wiring().rota)
    return json_response({**policy_to_dict(policy), "default": is_default})


@endpoint(bp, "/oncall/now", authorizer=staff)
def get_now():
    request = bp.current_request
    actor_of(request)
    at = utc(instant_param(request, "at", default=bootstrap.now()), "at")
    holders = use.on_call_now(bootstrap.wiring().rota, at)
    return json_response({level: _holder_json(h) for level, h in holders.items()})


@endpoint(bp, "/oncall/gaps", authorizer=staff)
def get_gaps():
    request = bp.current_request
    actor_of(request)
    start = utc(bound_param(request, "from"), "from")
    end = utc(bound_param(request, "to", end=True), "to")
    found = use.find_gaps(bootstrap.wiring().rota, start, end)
    return json_response({"gaps": [{"level": g.level, "start": g.start, "end": g.end}
                                   for g in found]})
