"""The staff console's rotation pages: make a rotation, change it, end it (coordinators).

Each form has the cover form's two steps: "Preview" shows the next 14 days as if the
change were saved (nothing written), "Save" writes it and returns to the on-call page.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.domain.errors import DomainError, NotFound
from chalicelib.domain.oncall import LEVELS
from chalicelib.services import oncall as use
from chalicelib.services.oncall_board import coverage
from chalicelib.web import oncall_view

bp = Blueprint(__name__)
FIELDS = ("id", "level", "workers", "start", "shift_hours", "end")


@console_route(bp, "/staff/oncall/rotations/new", coordinator=True)
def new_rotation(visit: Visit):
    return _rotation_page(visit, {"id": "", "level": "primary", "workers": "", "start": "",
                                  "shift_hours": "168", "end": ""}, editing=False)


@console_route(bp, "/staff/oncall/rotations/{rotation_id}/edit", coordinator=True)
def edit_rotation(visit: Visit, rotation_id: str):
    rotation = bootstrap.wiring().rota.load().rotation(rotation_id)
    return _rotation_page(visit, oncall_view.rotation_values(rotation), editing=True)


@console_route(bp, "/staff/oncall/rotations", methods=("POST",), coordinator=True)
def save_rotation(visit: Visit):
    values = {name: visit.field(name) for name in FIELDS}
    editing = visit.field("editing") == "1"
    wiring = bootstrap.wiring()
    try:
        rotation = oncall_view.parse_rotation(values)
        if visit.field("step") != "save":
            preview = coverage(wiring.rota, visit.now,
                               lambda rota: rota.with_rotation(rotation, {}))
            return _rotation_page(visit, values, editing, preview)
        use.put_rotation(wiring.rota, wiring.directory, visit.actor, rotation,
                         only_new=not editing)
    except DomainError as refused:
        return _rotation_page(visit, values, editing, errors=_beside(refused, values),
                              status=422)
    return visit.go("/staff/oncall?notice=rotation-saved")


@console_route(bp, "/staff/oncall/rotations/{rotation_id}/end", coordinator=True)
def end_form(visit: Visit, rotation_id: str):
    bootstrap.wiring().rota.load().rotation(rotation_id)  # 404 page for an unknown one
    return _end_page(visit, rotation_id, {"at": oncall_view.field_value(visit.now)})


@console_route(bp, "/staff/oncall/rotations/{rotation_id}/end", methods=("POST",),
               coordinator=True)
def end_rotation(visit: Visit, rotation_id: str):
    values = {"at": visit.field("at")}
    rota_store = bootstrap.wiring().rota
    try:
        at = oncall_view.parse_field(values["at"], "at")
        if visit.field("step") != "save":
            preview = coverage(rota_store, visit.now,
                               lambda rota: rota.with_rotation_ended(rotation_id, at))
            return _end_page(visit, rotation_id, values, preview)
        use.end_rotation(rota_store, visit.actor, rotation_id, at)
    except NotFound:
        raise
    except DomainError as refused:
        return _end_page(visit, rotation_id, values, errors={"at": refused.message}, status=422)
    return visit.go("/staff/oncall?notice=rotation-ended")


def _beside(refused: DomainError, values: dict) -> dict:
    """The refusal's message beside the field it names (the workers if it names none)."""
    return {refused.field if refused.field in values else "workers": refused.message}


def _rotation_page(visit: Visit, values: dict, editing: bool, preview=None, errors=None,
                   status=200):
    return visit.page("rotation_form.html",
                      "staff.rotation.edit_title" if editing else "staff.rotation.new_title",
                      status=status, values=values, editing=editing, levels=LEVELS,
                      errors=errors or {}, preview=_preview(visit, preview))


def _end_page(visit: Visit, rotation_id: str, values: dict, preview=None, errors=None,
              status=200):
    return visit.page("rotation_end.html", "staff.rotation.end_title", status=status,
                      rotation_id=rotation_id, values=values, errors=errors or {},
                      preview=_preview(visit, preview))


def _preview(visit: Visit, found):
    return oncall_view.levels(visit.words, found) if found else None
