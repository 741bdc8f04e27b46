"""The console's directory pages (coordinators): workers and offices, lists and edit forms.

The forms are validated with the JSON API's body models and saved by the same services;
a refusal shows the API's message beside its field, success redirects to the list.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import checked_id, parse
from chalicelib.domain.directory import WORKER_ROLES, Office, Worker
from chalicelib.domain.errors import NotFound, Rejected
from chalicelib.services import directory as use
from chalicelib.web import staff_forms, staff_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/workers", coordinator=True)
def workers(visit: Visit):
    listed = staff_view.all_workers(bootstrap.wiring().directory, visit.actor)
    return visit.page("workers.html", "staff.workers.title", workers=listed)


@console_route(bp, "/staff/workers/new", coordinator=True)
def new_worker(visit: Visit):
    return _worker_form(visit, staff_forms.worker_values(None), {}, editing=False)


@console_route(bp, "/staff/workers/{worker_id}/edit", coordinator=True)
def edit_worker(visit: Visit, worker_id: str):
    worker = use.get_worker(bootstrap.wiring().directory, worker_id)
    return _worker_form(visit, staff_forms.worker_values(worker), {}, editing=True)


@console_route(bp, "/staff/workers", methods=["POST"], coordinator=True)
def save_worker(visit: Visit):
    values = {**staff_forms.worker_values(None),
              **{k: visit.field(k) for k in ("id", "name", "email", "phone", "office", "language")},
              "roles": visit.form.get("roles", [])}
    return _save(visit, "WorkerIn", staff_forms.worker_body(visit), lambda body: use.put_worker(
        bootstrap.wiring().directory, visit.actor, Worker(
            id=checked_id(visit.field("id")), name=body.name, email=body.email,
            phone=body.phone, office=body.office, roles=tuple(body.roles),
            language=body.language)), _worker_form, values, "/staff/workers")


@console_route(bp, "/staff/offices", coordinator=True)
def offices(visit: Visit):
    return visit.page("offices.html", "staff.offices.title",
                      offices=use.list_offices(bootstrap.wiring().directory))


@console_route(bp, "/staff/offices/new", coordinator=True)
def new_office(visit: Visit):
    return _office_form(visit, staff_forms.office_values(None), {}, editing=False)


@console_route(bp, "/staff/offices/{office_id}/edit", coordinator=True)
def edit_office(visit: Visit, office_id: str):
    office = bootstrap.wiring().directory.get_offices([office_id]).get(office_id)
    if office is None:
        raise NotFound("no such office")
    return _office_form(visit, staff_forms.office_values(office), {}, editing=True)


@console_route(bp, "/staff/offices", methods=["POST"], coordinator=True)
def save_office(visit: Visit):
    values = {k: visit.field(k) for k in ("id", "name", "name_sv", "address", "rooms")}
    return _save(visit, "OfficeIn", staff_forms.office_body(visit), lambda body: use.put_office(
        bootstrap.wiring().directory, visit.actor, Office(
            id=checked_id(visit.field("id")), name=body.name, address=body.address,
            rooms=body.rooms, name_sv=body.name_sv)), _office_form, values, "/staff/offices")


def _save(visit: Visit, model: str, body: dict, save, form, values: dict, listing: str):
    """Validate ``body`` with the API's ``model`` and ``save`` it, then go to the
    ``listing``; a refusal shows the ``form`` again with the ``values`` sent (422)."""
    from chalicelib.api import schemas

    try:
        save(parse(getattr(schemas, model), body))
    except Rejected as error:
        return form(visit, values, staff_forms.form_error(error),
                    editing=visit.field("editing") == "1", status=422)
    return visit.go(f"{listing}?notice=saved")


def _worker_form(visit: Visit, values: dict, errors: dict, editing: bool, status: int = 200):
    return visit.page("worker_form.html", "staff.workers.edit" if editing else "staff.workers.new",
                      status=status, values=values, errors=errors, editing=editing,
                      roles=WORKER_ROLES, offices=use.list_offices(bootstrap.wiring().directory))


def _office_form(visit: Visit, values: dict, errors: dict, editing: bool, status: int = 200):
    return visit.page("office_form.html", "staff.offices.edit" if editing else "staff.offices.new",
                      status=status, values=values, errors=errors, editing=editing)
