"""The console's page of a worker's own calendar (busy source): how its last sync went,
and a "sync now" button (coordinators, and the worker for themselves).

The button is a plain form (POST, CSRF) calling the same service as
``POST /workers/{id}/busy-source/sync``, answered 303 back to the page.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.domain.access import require_self_or_coordinator
from chalicelib.domain.errors import NotFound
from chalicelib.services import busy as use
from chalicelib.web.staff_view import busy_source_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/workers/{worker_id}/calendar")
def calendar(visit: Visit, worker_id: str):
    require_self_or_coordinator(visit.actor, worker_id)
    try:
        source = use.show(bootstrap.wiring().busy_sources, visit.actor, worker_id)
    except NotFound:
        source = None
    synced = query_param(visit.request, "notice") == "sync_queued"
    return visit.page("busy_source.html", "staff.busy.title", worker_id=worker_id,
                      source=busy_source_view(visit.words, source), synced=synced)


@console_route(bp, "/staff/workers/{worker_id}/calendar/sync", methods=("POST",))
def sync_now(visit: Visit, worker_id: str):
    wiring = bootstrap.wiring()
    use.request_sync(wiring.busy_sources, bootstrap.busy_sync_sender(wiring.settings),
                     visit.actor, worker_id, visit.now)
    return visit.go(f"/staff/workers/{worker_id}/calendar?notice=sync_queued")
