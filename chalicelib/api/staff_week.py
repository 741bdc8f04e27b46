"""The console's calendars: my week beside my pair's (``/staff/week``) and the team's two
weeks with "who is free" (``/staff/team``, coordinators).

``?week=`` is an ISO week (``2026-W49``) or a date in it; ``/staff/week?worker=`` shows a
coordinator another worker's week, ``?case=`` chooses the pair's case shown beside it.
The forms on the week page post to ``staff_week_forms``; a refusal there answers with
this same page, the message beside its field.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.api.week_page import week_page
from chalicelib.domain.errors import DomainError, Forbidden, NotFound
from chalicelib.domain.week import monday_of
from chalicelib.domain.workdays import local
from chalicelib.services import calendars
from chalicelib.web import calendar_view, staff_forms, staff_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/week")
def week(visit: Visit):
    return week_page(visit, query_param(visit.request, "week"),
                     query_param(visit.request, "worker"), query_param(visit.request, "case"))


@console_route(bp, "/staff/team", coordinator=True)
def team(visit: Visit):
    wiring = bootstrap.wiring()
    today = local(visit.now).date()
    office = query_param(visit.request, "office") or None
    errors, free, asked = {}, None, {n: query_param(visit.request, n) or "" for n in
                                     ("worker1", "worker2", "minutes", "place")}
    try:
        monday = monday_of(query_param(visit.request, "week"), today)
    except DomainError:
        monday, errors = monday_of(None, today), {"week": "2026-W49"}
    grid = calendars.team(wiring.directory, office, monday)
    if asked["worker1"] or asked["worker2"]:
        try:
            query = calendars.parse_free_query((asked["worker1"], asked["worker2"]),
                                               asked["minutes"], asked["place"])
            free = [visit.words.span(s.start, s.end) for s in calendars.who_is_free(
                wiring.directory, query, max(today, monday), visit.now)]
        except (NotFound, Forbidden, DomainError) as refused:
            errors.update(staff_forms.form_error(refused, {"workers": "worker1"}))
    # The office names item the feeds read too, kept per container: no round trip mostly.
    names = wiring.office_names.item
    offices = sorted(wiring.office_names.of(wiring.shared.read([names], visit.now)[names]
                                            ).items())
    return visit.page(
        "team.html", "staff.team.title", status=422 if errors else 200,
        office=office or "", office_options=offices,
        weeks=calendar_view.weeks_nav(monday, today),
        grid=calendar_view.team_rows(visit.words, grid), free=free,
        values={"minutes": "90", **{k: v for k, v in asked.items() if v}}, errors=errors,
        worker_options=[(w.id, f"{w.name} ({w.id})") for w, _ in grid.rows],
        places=staff_view.place_options(visit.words, offices))
