"""The staff console's on-call pages: coverage for 14 days and adding a cover (override).

Adding a cover is two steps of one plain form: "Preview" shows the coverage as if it were
saved (nothing written), "Save" writes the override; both POST with CSRF, so it works
without JavaScript.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.domain.errors import DomainError
from chalicelib.domain.oncall import LEVELS, Override
from chalicelib.services import oncall as use
from chalicelib.services.oncall_board import coverage
from chalicelib.web import oncall_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/oncall")
def oncall(visit: Visit):
    found = coverage(bootstrap.wiring().rota, visit.now)
    return visit.page("oncall.html", "staff.oncall.title",
                      levels=oncall_view.levels(visit.words, found),
                      coordinator=visit.actor.is_coordinator,
                      saved=query_param(visit.request, "notice") == "saved")


@console_route(bp, "/staff/oncall/cover", coordinator=True)
def cover_form(visit: Visit):
    level = query_param(visit.request, "level")
    return _cover_page(visit, {"level": level if level in LEVELS else "primary", "worker": "",
                               "start": query_param(visit.request, "start") or "",
                               "end": query_param(visit.request, "end") or ""}, None)


@console_route(bp, "/staff/oncall/cover", methods=("POST",), coordinator=True)
def cover(visit: Visit):
    values = {name: visit.field(name) for name in ("level", "worker", "start", "end")}
    wiring = bootstrap.wiring()
    try:
        override = Override(worker=values["worker"], level=values["level"],
                            start=oncall_view.parse_field(values["start"], "start"),
                            end=oncall_view.parse_field(values["end"], "end"))
        if visit.field("step") != "save":
            return _cover_page(visit, values, coverage(wiring.rota, visit.now, override))
        use.put_override(wiring.rota, wiring.directory, visit.actor, override, visit.now)
    except DomainError as refused:
        # The service's own message, beside the field it names (the worker if none).
        field = refused.field if refused.field in values else "worker"
        return _cover_page(visit, values, None, {field: refused.message}, status=422)
    return visit.go("/staff/oncall?notice=saved")


def _cover_page(visit: Visit, values: dict, preview, errors=None, status=200):
    # The workers already in the rota are offered; any worker id may be typed.
    workers = sorted(bootstrap.wiring().rota.load().contacts)
    return visit.page("cover.html", "staff.cover.title", status=status, values=values,
                      levels=LEVELS, workers=workers, errors=errors or {},
                      preview=oncall_view.levels(visit.words, preview) if preview else None)
