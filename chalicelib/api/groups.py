"""Peer-support groups: the coordinator's series (``/groups``, and a session cancelled by
a coordinator or a leader) and the family's seats (``/book/{token}/groups``, the link is the
credential)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response, parse, staff_call
from chalicelib.domain.access import require_coordinator
from chalicelib.domain.errors import Rejected
from chalicelib.services import group_changes, groups, seats
from chalicelib.services.links import open_link

bp = Blueprint(__name__)


@endpoint(bp, "/groups", methods=["POST"], authorizer=staff)
def create_group():
    from chalicelib.api.group_schemas import GroupIn

    request, actor, now = staff_call(bp)
    require_coordinator(actor)  # who may, before what was sent: 403, not 422
    body = parse(GroupIn, json_object(request))
    spec = groups.GroupSpec(
        service=body.service, office=body.office, workers=tuple(body.workers),
        start=body.start, minutes=body.minutes, sessions=body.sessions,
        every_days=body.every_days, seats=body.seats,
        cases=None if body.cases is None else tuple(body.cases), per_session=body.per_session,
        worker_reminders=tuple(float(h) for h in body.worker_reminders))
    made = groups.create_group(actor, spec, now)
    return json_response(groups.group_view(made), status=201)


@endpoint(bp, "/groups/{group_id}", authorizer=staff)
def read_group(group_id):
    actor = actor_of(bp.current_request)
    bootstrap.wiring()
    return json_response(groups.group_view(groups.read_group(actor, group_id)))


@endpoint(bp, "/groups/{group_id}", methods=["PATCH"], authorizer=staff)
def change_group(group_id):
    from chalicelib.api.group_schemas import GroupPatch

    request, actor, now = staff_call(bp)
    require_coordinator(actor)  # who may, before what was sent: 403, not 422
    body = parse(GroupPatch, json_object(request))
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name in ("seats", "workers", "office", "sessions"):
        if name in changes and changes[name] is None:
            raise Rejected(f"{name}: may not be null", code="invalid_value", field=name)
    if "sessions" in changes:
        changes["sessions"] = {s.id: s.start for s in body.sessions}
    changed = group_changes.change_group(actor, group_id, changes, now)
    seats.fill_from_line(group_id, now)
    return json_response(groups.group_view(groups.read_group(actor, changed.id)))


@endpoint(bp, "/groups/{group_id}/sessions/{session_id}/cancel", methods=["POST"],
          authorizer=staff)
def cancel_session(group_id, session_id):
    actor = actor_of(bp.current_request)
    now = bootstrap.now()
    bootstrap.wiring()
    return json_response(groups.group_view(
        group_changes.cancel_session(actor, group_id, session_id, now)))


@endpoint(bp, "/book/{token}/groups")
def family_groups(token):
    now = bootstrap.now()
    bootstrap.wiring()
    case, _ = open_link(token, now)
    listed = seats.family_groups(case, now)
    return json_response({"groups": [seats.family_view(*one) for one in listed]})


@endpoint(bp, "/book/{token}/groups/{group_id}/seats", methods=["POST"])
def take_seat(token, group_id):
    from chalicelib.api.group_schemas import SeatIn

    request = bp.current_request
    now = bootstrap.now()
    bootstrap.wiring()
    body = parse(SeatIn, json_object(request))
    case, _ = open_link(token, now)
    place = seats.take_seat(case, group_id, now, body.waiting_list, body.session)
    return json_response({"status": place}, status=201)


@endpoint(bp, "/book/{token}/groups/{group_id}/seats/cancel", methods=["POST"])
def give_up_seat(token, group_id):
    from chalicelib.api.group_schemas import SeatCancel

    request = bp.current_request
    now = bootstrap.now()
    bootstrap.wiring()
    body = parse(SeatCancel, json_object(request))
    case, _ = open_link(token, now)
    seats.give_up_seat(case, group_id, now, body.session)
    return json_response({"status": "cancelled"})
