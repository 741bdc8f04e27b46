"""The console's case forms: create and edit a case, booking links, completing a review.

Each POST validates with the API's own body model and calls the same service as the JSON
API; a refusal re-renders the form with the API's message beside the field it names,
success redirects (POST-redirect-GET). A booking link that was not sent is shown once,
on the page the POST answers with: only its hash is stored, so no later page can show it.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import parse
from chalicelib.domain.directory import SERVICES
from chalicelib.domain.errors import Rejected
from chalicelib.services import directory as use
from chalicelib.services import links, reviews
from chalicelib.web import staff_forms, staff_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/cases/new", coordinator=True)
def new_case(visit: Visit):
    return _case_form(visit, None, staff_forms.case_values(None), {})


@console_route(bp, "/staff/cases/{case_id}/edit", coordinator=True)
def edit_case(visit: Visit, case_id: str):
    case = use.read_case(bootstrap.wiring().directory, visit.actor, case_id, visit.now,
                         action="console.case.edit")
    return _case_form(visit, case_id, staff_forms.case_values(case), {})


@console_route(bp, "/staff/cases", methods=["POST"], coordinator=True)
def create_case(visit: Visit):
    return _save_case(visit, None)


@console_route(bp, "/staff/cases/{case_id}", methods=["POST"], coordinator=True)
def update_case(visit: Visit, case_id: str):
    return _save_case(visit, case_id)


@console_route(bp, "/staff/cases/{case_id}/links", methods=["POST"])
def issue_link(visit: Visit, case_id: str):
    wiring = bootstrap.wiring()
    link = links.issue_link(wiring.directory, visit.actor, case_id, None, visit.now,
                            wiring.settings.public_url, **_sending(visit.field("send")))
    if link.get("sent"):
        return visit.go(f"/staff/cases/{case_id}?notice=link_sent_{link['sent']}")
    return visit.page("link_issued.html", "staff.links.issued_title", case_id=case_id,
                      url=link["url"], expires=visit.words.datetime(link["expires_at"]))


@console_route(bp, "/staff/cases/{case_id}/links/revoke", methods=["POST"])
def revoke_links(visit: Visit, case_id: str):
    links.revoke_links(bootstrap.wiring().directory, visit.actor, case_id, visit.now)
    return visit.go(f"/staff/cases/{case_id}?notice=links_revoked")


@console_route(bp, "/staff/cases/{case_id}/reviews/{review_id}/complete", methods=["POST"])
def complete_review(visit: Visit, case_id: str, review_id: str):
    wiring = bootstrap.wiring()
    reviews.complete_review(wiring.reviews, wiring.directory, visit.actor, case_id, review_id,
                            None, visit.now)
    return visit.go(f"/staff/cases/{case_id}?notice=review_completed")


def _save_case(visit: Visit, case_id: str | None):
    from chalicelib.api import schemas

    wiring = bootstrap.wiring()

    def hook(saved):
        reviews.case_changed(wiring.reviews, saved, visit.now)

    try:
        fields = parse(schemas.CaseIn, staff_forms.case_body(visit)).model_dump()
        if case_id is None:
            saved = use.open_case(wiring.directory, visit.actor, fields, visit.now, on_saved=hook)
        else:
            saved = use.update_case(wiring.directory, visit.actor, case_id, lambda _: fields,
                                    visit.now, on_saved=hook)
    except Rejected as error:
        return _case_form(visit, case_id, staff_forms.posted_case_values(visit),
                          staff_forms.form_error(error, staff_forms.CASE_FIELDS), status=422)
    return visit.go(f"/staff/cases/{saved.id}?notice=saved")


def _case_form(visit: Visit, case_id: str | None, values: dict, errors: dict, status: int = 200):
    offices = use.list_offices(bootstrap.wiring().directory)
    action = f"{visit.base}/staff/cases" + (f"/{case_id}" if case_id else "")
    return visit.page("case_form.html", "staff.case.edit" if case_id else "staff.cases.new",
                      status=status, values=values, errors=errors, action=action,
                      services=SERVICES, places=staff_view.place_choices(visit.words, offices))


def _sending(channel: str) -> dict:
    """How the link service is asked to send the link (nothing: shown on the page)."""
    if channel not in ("sms", "email"):
        return {}
    return {"send": channel}
