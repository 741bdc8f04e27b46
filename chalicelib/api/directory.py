"""Directory endpoints: offices, workers, cases and the case audit."""

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import (actor_of, checked_id, endpoint, json_object, json_response,
                                 page_json, page_params, parse, query_param)
from chalicelib.domain.access import require_coordinator, require_self_or_coordinator
from chalicelib.domain.directory import Case, Office, Worker
from chalicelib.services import directory as use
from chalicelib.services import reviews

bp = Blueprint(__name__)


def _schemas():
    from chalicelib.api import schemas  # pydantic + phonenumbers: only when a body arrives

    return schemas


def office_json(o: Office) -> dict:
    return {"id": o.id, "name": o.name, "name_sv": o.name_sv, "address": o.address,
            "rooms": o.rooms}


def worker_json(w: Worker) -> dict:
    return {"id": w.id, "name": w.name, "email": w.email, "phone": w.phone,
            "office": w.office, "roles": list(w.roles), "language": w.language}


def case_json(c: Case) -> dict:
    return {"id": c.id, **use.case_fields(c), "created_at": c.created_at,
            "updated_at": c.updated_at}


@endpoint(bp, "/offices/{office_id}", methods=["PUT"], authorizer=staff)
def put_office(office_id):
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body: a worker learns nothing from 422s
    body = parse(_schemas().OfficeIn, json_object(request))
    office = Office(id=checked_id(office_id), name=body.name, address=body.address,
                    rooms=body.rooms, name_sv=body.name_sv)
    return json_response(office_json(use.put_office(bootstrap.wiring().directory, actor, office)))


@endpoint(bp, "/offices", authorizer=staff)
def list_offices():
    actor_of(bp.current_request)
    offices = use.list_offices(bootstrap.wiring().directory)
    return json_response({"offices": [office_json(o) for o in offices]})


@endpoint(bp, "/workers/{worker_id}", methods=["PUT"], authorizer=staff)
def put_worker(worker_id):
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body: a worker learns nothing from 422s
    body = parse(_schemas().WorkerIn, json_object(request))
    worker = Worker(id=checked_id(worker_id), name=body.name, email=body.email,
                    phone=body.phone, office=body.office, roles=tuple(body.roles),
                    language=body.language)
    saved, created = use.put_worker(bootstrap.wiring().directory, actor, worker)
    return json_response(worker_json(saved), status=201 if created else 200)


@endpoint(bp, "/workers", authorizer=staff)
def list_workers():
    request = bp.current_request
    actor = actor_of(request)
    page = use.list_workers(bootstrap.wiring().directory, actor, *page_params(request))
    return json_response(page_json("workers", page, worker_json))


@endpoint(bp, "/workers/{worker_id}", authorizer=staff)
def get_worker(worker_id):
    actor = actor_of(bp.current_request)
    require_self_or_coordinator(actor, worker_id)
    return json_response(worker_json(use.get_worker(bootstrap.wiring().directory, worker_id)))


@endpoint(bp, "/cases", methods=["POST"], authorizer=staff)
def open_case():
    request = bp.current_request
    actor = actor_of(request)
    require_coordinator(actor)  # the role before the body: a worker learns nothing from 422s
    body = parse(_schemas().CaseIn, json_object(request))
    wiring, now = bootstrap.wiring(), bootstrap.now()
    case = use.open_case(wiring.directory, actor, body.model_dump(), now,
                         on_saved=lambda saved: reviews.case_changed(wiring.reviews, saved, now))
    return json_response(case_json(case), status=201)


@endpoint(bp, "/cases", authorizer=staff)
def list_cases():
    request = bp.current_request
    actor = actor_of(request)
    page = use.list_cases(bootstrap.wiring().directory, actor, query_param(request, "worker"),
                          *page_params(request), bootstrap.now())
    return json_response(page_json("cases", page, use.case_summary))


@endpoint(bp, "/cases/{case_id}", authorizer=staff)
def get_case(case_id):
    actor = actor_of(bp.current_request)
    case = use.read_case(bootstrap.wiring().directory, actor, case_id, bootstrap.now())
    return json_response(case_json(case))


@endpoint(bp, "/cases/{case_id}", methods=["PATCH"], authorizer=staff)
def patch_case(case_id):
    request = bp.current_request
    actor = actor_of(request)
    patch = json_object(request)
    schemas = _schemas()

    def merge(current: dict) -> dict:
        merged = {**current, **patch}
        if isinstance(patch.get("contact"), dict):  # contact merges field by field
            merged["contact"] = {**current["contact"], **patch["contact"]}
        return parse(schemas.CaseIn, merged).model_dump()

    wiring, now = bootstrap.wiring(), bootstrap.now()
    case = use.update_case(wiring.directory, actor, case_id, merge, now,
                           on_saved=lambda saved: reviews.case_changed(wiring.reviews, saved, now))
    return json_response(case_json(case))


@endpoint(bp, "/cases/{case_id}/audit", authorizer=staff)
def case_audit(case_id):
    actor = actor_of(bp.current_request)
    entries = use.case_audit(bootstrap.wiring().directory, actor, case_id, bootstrap.now())
    return json_response({"entries": entries})
