"""Busy sources of workers' own calendars: the API, the 10-minute sweep and the
on-demand sync queue (docs/api.md "Busy times")."""

import logging

from chalice import Blueprint, Rate, Response

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response, parse
from chalicelib.domain.access import require_self_or_coordinator
from chalicelib.domain.busy_times import BusySource
from chalicelib.domain.errors import Rejected
from chalicelib.services import busy as use
from chalicelib.services.booking import RULES

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.busy")


def source_json(source: BusySource) -> dict:
    """What staff see of a source: never the URL's path (a published link's secret), the
    username or the secret's reference."""
    return {"kind": source.kind, "host": source.host, "last_sync_at": source.last_sync_at,
            "busy_count": source.busy_count, "last_error": source.last_error}


@endpoint(bp, "/workers/{worker_id}/busy-source", methods=["PUT"], authorizer=staff)
def put_busy_source(worker_id):
    request = bp.current_request
    actor = actor_of(request)
    from chalicelib.api.busy_schemas import BusySourceIn  # pydantic: only when a body arrives

    require_self_or_coordinator(actor, worker_id)  # who may, before what was sent
    body = parse(BusySourceIn, json_object(request))
    wiring = bootstrap.wiring()
    if body.url:
        _check_url(body.url, wiring.settings)
    source = BusySource(worker_id=worker_id, **body.model_dump())
    saved = use.put_source(wiring.busy_sources, wiring.directory, actor, source, bootstrap.now())
    return json_response(source_json(saved))


@endpoint(bp, "/workers/{worker_id}/busy-source", authorizer=staff)
def get_busy_source(worker_id):
    actor = actor_of(bp.current_request)
    return json_response(source_json(use.show(bootstrap.wiring().busy_sources, actor, worker_id)))


@endpoint(bp, "/workers/{worker_id}/busy-source", methods=["DELETE"], authorizer=staff)
def delete_busy_source(worker_id):
    actor = actor_of(bp.current_request)
    use.remove(bootstrap.wiring().busy_sources, actor, worker_id)
    return Response("", status_code=204)


@endpoint(bp, "/workers/{worker_id}/busy-source/sync", methods=["POST"], authorizer=staff)
def sync_busy_source(worker_id):
    actor = actor_of(bp.current_request)
    wiring = bootstrap.wiring()
    use.request_sync(wiring.busy_sources, bootstrap.busy_sync_sender(wiring.settings), actor,
                     worker_id, bootstrap.now())
    return json_response({"status": "queued"}, status=202)


def _check_url(url: str, settings) -> None:
    """Refuse at once a URL the fetch guard would always refuse (422)."""
    from chalicelib.sources.guard import Policy, Refused, refuse_at_once

    try:
        refuse_at_once(url, Policy(local=settings.is_local))
    except Refused as error:
        raise Rejected(f"url: {error}", code="invalid_value", field="url") from None


@bp.schedule(Rate(10, unit=Rate.MINUTES), name="busy_sweep")
def busy_sweep(event):
    """Every 10 minutes: sync the sources that are due (a bounded batch, oldest first)."""
    wiring = bootstrap.wiring()
    outcomes = use.sweep(wiring.busy_sources, bootstrap.busy_reader(wiring.settings),
                         bootstrap.now(), RULES)
    return dict(outcomes)


@bp.on_sqs_message(queue=use.QUEUE, batch_size=5, name="busy_sync")
def busy_sync(event):
    """Sync the sources staff asked for (``POST .../busy-source/sync``), seconds after.

    A failed read is recorded on the source, not retried here: the sweep reads it again.
    """
    wiring = bootstrap.wiring()
    read = bootstrap.busy_reader(wiring.settings)
    for record in event:
        worker = use.worker_of(record.body)
        if worker is None:
            log.warning("ignoring a busy sync message that names no worker")
            continue
        use.sync_worker(wiring.busy_sources, read, worker, bootstrap.now(), RULES)
    return {"batchItemFailures": []}
