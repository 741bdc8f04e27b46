"""The staff console's on-call pages: coverage for 14 days, the rotations and overrides,
and adding, changing or ending a cover (override).

Adding or changing a cover is two steps of one plain form: "Preview" shows the coverage
as if it were saved (nothing written), "Save" writes the override; both POST with CSRF,
so it works without JavaScript. Rotations have their own pages (api/staff_rotations.py).
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.domain.errors import DomainError, NotFound
from chalicelib.domain.oncall import LEVELS, Override
from chalicelib.services import oncall as use
from chalicelib.services.oncall_board import coverage
from chalicelib.web import oncall_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/oncall")
def oncall(visit: Visit):
    rota_store = bootstrap.wiring().rota
    found = coverage(rota_store, visit.now)
    rota, me = rota_store.load(), visit.actor.worker_id
    return visit.page("oncall.html", "staff.oncall.title",
                      levels=oncall_view.levels(visit.words, found),
                      rotations=oncall_view.rotation_rows(visit.words, rota.rotations),
                      overrides=oncall_view.override_rows(visit.words, rota.overrides,
                                                          visit.now),
                      my_shifts=oncall_view.shift_rows(visit.words, rota.whole_shifts_of(
                          me, visit.now, found.end), rota.swaps, me, visit.now) if me else [],
                      swaps=oncall_view.swap_rows(visit.words, rota.swaps, me, visit.now),
                      coordinator=visit.actor.is_coordinator,
                      notice=oncall_view.NOTICES.get(query_param(visit.request, "notice")))


@console_route(bp, "/staff/oncall/cover", coordinator=True)
def cover_form(visit: Visit):
    replaces = query_param(visit.request, "edit")
    if replaces:  # changing a saved override: its own values, and its key to replace
        return _cover_page(visit, oncall_view.override_values(
            bootstrap.wiring().rota.load().override(replaces)), None)
    level = query_param(visit.request, "level")
    return _cover_page(visit, {"level": level if level in LEVELS else "primary", "worker": "",
                               "start": query_param(visit.request, "start") or "",
                               "end": query_param(visit.request, "end") or "",
                               "replaces": ""}, None)


@console_route(bp, "/staff/oncall/cover", methods=("POST",), coordinator=True)
def cover(visit: Visit):
    values = {name: visit.field(name) for name in ("level", "worker", "start", "end",
                                                   "replaces")}
    wiring, replaces = bootstrap.wiring(), values["replaces"]
    try:
        override = Override(worker=values["worker"], level=values["level"],
                            start=oncall_view.parse_field(values["start"], "start"),
                            end=oncall_view.parse_field(values["end"], "end"))
        if visit.field("step") != "save":
            return _cover_page(visit, values, coverage(
                wiring.rota, visit.now, _cover_change(override, replaces, visit.now)))
        if replaces:
            use.replace_override(wiring.rota, wiring.directory, visit.actor, replaces,
                                 override, visit.now)
        else:
            use.put_override(wiring.rota, wiring.directory, visit.actor, override, visit.now)
    except NotFound:
        raise  # the override being changed is gone: the console's 404 page
    except DomainError as refused:
        # The service's own message, beside the field it names (the worker if none).
        field = refused.field if refused.field in values else "worker"
        return _cover_page(visit, values, None, {field: refused.message}, status=422)
    return visit.go("/staff/oncall?notice=saved")


@console_route(bp, "/staff/oncall/overrides/end", methods=("POST",), coordinator=True)
def end_override(visit: Visit):
    """End a cover now: one under way stops, one still to come is removed."""
    use.end_override(bootstrap.wiring().rota, visit.actor, visit.field("override"), visit.now)
    return visit.go("/staff/oncall?notice=cover-ended")


def _cover_change(override: Override, replaces: str, now):
    if replaces:
        return lambda rota: rota.with_override_replaced(replaces, override, {}, now)
    return lambda rota: rota.with_override(override, {}, now)


def _cover_page(visit: Visit, values: dict, preview, errors=None, status=200):
    # The workers already in the rota are offered; any worker id may be typed.
    workers = sorted(bootstrap.wiring().rota.load().contacts)
    return visit.page("cover.html", "staff.cover.title", status=status, values=values,
                      levels=LEVELS, workers=workers, errors=errors or {},
                      preview=oncall_view.levels(visit.words, preview) if preview else None)
