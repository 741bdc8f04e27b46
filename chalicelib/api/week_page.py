"""The week page (``/staff/week``), shared by the calendar blueprint and its forms'
blueprint, which answers a refused form with this same page (blueprints do not import
each other: pyproject.toml's import contracts)."""

from __future__ import annotations

from chalicelib import bootstrap
from chalicelib.api.console import Visit
from chalicelib.api.http import query_param
from chalicelib.domain.errors import DomainError
from chalicelib.domain.week import monday_of
from chalicelib.domain.workdays import local
from chalicelib.services import calendars
from chalicelib.services import directory as use
from chalicelib.web import calendar_view, staff_view

NOTICES = ("absence_saved", "extra_saved", "booked", "moved", "cancelled")


def week_page(visit: Visit, asked_week: str | None, worker_id: str | None,
              case_id: str | None, form: str = "", values: dict | None = None,
              errors: dict | None = None, status: int = 200):
    """The week page (also the answer of a refused calendar ``form``: ``absence``,
    ``extra`` or ``book``, shown again with what was typed and the messages)."""
    wiring = bootstrap.wiring()
    today = local(visit.now).date()
    try:
        monday = monday_of(asked_week, today)
    except DomainError:
        monday, errors, status = monday_of(None, today), {"week": "2026-W49"}, 422
    worker_id = worker_id or visit.actor.worker_id
    if not worker_id:  # a coordinator without a worker id of their own picks one there
        return visit.go("/staff/team")
    found = calendars.week(wiring, visit.actor, worker_id, monday, case_id or None, visit.now)
    offices = {o.id: o for o in use.list_offices(wiring.directory)}
    notice = query_param(visit.request, "notice")
    return visit.page(
        "week.html", "staff.week.title", status=status, found=found,
        weeks=calendar_view.weeks_nav(monday, today),
        rows=calendar_view.week_rows(visit.words, found, offices),
        form=form, values=values or {}, errors=errors or {},
        values_book={"case": found.case.id if found.case else "", "kind": "meeting",
                     "minutes": str(found.case.meeting_minutes) if found.case else "90",
                     "location": found.case.locations[0] if found.case else ""},
        case_options=[(c.id, c.id) for c in found.cases],
        coordinator=visit.actor.is_coordinator, choices=calendar_view.choices(visit.words),
        places=staff_view.place_choices(visit.words, offices.values()),
        notice=visit.words(f"staff.notice.{notice}") if notice in NOTICES else None)
