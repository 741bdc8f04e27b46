"""Shift swap endpoints: ask for a swap of one's own shift, list the requests, accept one."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response
from chalicelib.domain.swaps import shift_from_dict
from chalicelib.services import swaps as use

bp = Blueprint(__name__)


def swap_json(swap) -> dict:
    return {"id": swap.id, "requester": swap.requester, "level": swap.level,
            "start": swap.start, "end": swap.end, "status": swap.status,
            "asked_at": swap.asked_at, "accepted_by": swap.accepted_by,
            "accepted_at": swap.accepted_at}


@endpoint(bp, "/oncall/swaps", authorizer=staff)
def list_swaps():
    actor_of(bp.current_request)
    return json_response({"swaps": [swap_json(s) for s in use.list_swaps(
        bootstrap.wiring().rota)]})


@endpoint(bp, "/oncall/swaps", methods=["POST"], authorizer=staff)
def ask_swap():
    request = bp.current_request
    actor = actor_of(request)
    use.require_worker(actor)  # who may, before the body
    shift = shift_from_dict(json_object(request))
    swap = use.ask_swap(bootstrap.wiring().rota, actor, shift, bootstrap.now())
    return json_response(swap_json(swap), status=201)


@endpoint(bp, "/oncall/swaps/{swap_id}/accept", methods=["POST"], authorizer=staff)
def accept_swap(swap_id):
    request = bp.current_request
    actor = actor_of(request)
    use.require_worker(actor)
    wiring = bootstrap.wiring()
    swap = use.accept_swap(wiring.rota, wiring.directory, actor, swap_id, bootstrap.now(),
                           f"{wiring.settings.public_url}/staff/oncall")
    return json_response(swap_json(swap))
