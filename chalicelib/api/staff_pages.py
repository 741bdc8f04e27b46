"""The staff console's read pages: home, the case list, a case and its access log."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.domain.directory import SERVICES
from chalicelib.domain.escalation import WAITING
from chalicelib.services import directory as use
from chalicelib.services import staff_cases, staff_home
from chalicelib.services.staff_case import case_page
from chalicelib.web import staff_view

bp = Blueprint(__name__)
HELP_WAITING, HELP_SHOWN = WAITING, 20


@console_route(bp, "/staff")
def home(visit: Visit):
    wiring = bootstrap.wiring()
    actor = visit.actor
    team = staff_view.team_ids(wiring.directory, actor)
    found = staff_home.home(wiring.agenda, team, visit.now)
    offices = wiring.directory.get_offices({m.location for m in found.meetings})
    desk = bootstrap.escalation_desk()  # a worker's listing holds only their own to answer
    waiting = [r for status in HELP_WAITING
               for r in desk.listing(actor, visit.now, status, None, None, HELP_SHOWN).items]
    return visit.page("home.html", "staff.home.title",
                      **staff_view.home(visit.words, found, offices),
                      help_requests=staff_view.help_requests(visit.words, waiting),
                      own_calendar_url=f"{visit.base}/staff/workers/{actor.worker_id}/calendar"
                      if actor.worker_id else None)


@console_route(bp, "/staff/cases")
def cases(visit: Visit):
    wiring, actor = bootstrap.wiring(), visit.actor
    wanted = staff_cases.CaseFilter(
        worker=(query_param(visit.request, "worker") or None) if actor.is_coordinator else None,
        service=query_param(visit.request, "service") or None,
        office=query_param(visit.request, "office") or None)
    rows = staff_cases.case_rows(wiring.directory, wiring.agenda, actor, wanted, visit.now)
    return visit.page(
        "cases.html", "staff.cases.title", coordinator=actor.is_coordinator, filters=wanted,
        cases=[staff_view.case_row(visit.words, r) for r in rows], services=SERVICES,
        workers=staff_view.all_workers(wiring.directory, actor) if actor.is_coordinator else [],
        offices=use.list_offices(wiring.directory))


@console_route(bp, "/staff/cases/{case_id}")
def case(visit: Visit, case_id: str):
    found = case_page(bootstrap.wiring(), visit.actor, case_id, visit.now)
    notice = query_param(visit.request, "notice")
    return visit.page("case.html", "staff.case.title",
                      **staff_view.case(visit.words, found, visit.now),
                      coordinator=visit.actor.is_coordinator,
                      notice=visit.words(f"staff.notice.{notice}")
                      if notice in staff_view.NOTICES else None,
                      link_url=None)


@console_route(bp, "/staff/cases/{case_id}/audit", coordinator=True)
def audit(visit: Visit, case_id: str):
    entries = use.case_audit(bootstrap.wiring().directory, visit.actor, case_id, visit.now)
    return visit.page("audit.html", "staff.audit.title", case_id=case_id,
                      entries=[staff_view.audit_entry(visit.words, e) for e in reversed(entries)])
