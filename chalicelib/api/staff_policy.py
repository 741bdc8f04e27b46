"""The staff console's escalation policy page: steps, waits and repeat in one form, and the
timeline of who is paged when (coordinators).

"Preview" shows the timeline of a request arriving now that nobody acknowledges, over
today's rota, from the domain's own step schedule (nothing written); "Save" writes the
policy new requests freeze (``PUT /oncall/policy`` does the same).
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.api.http import query_param
from chalicelib.domain.errors import DomainError
from chalicelib.services import oncall as use
from chalicelib.services.oncall_board import policy_timeline
from chalicelib.web import policy_view

bp = Blueprint(__name__)


@console_route(bp, "/staff/oncall/policy", coordinator=True)
def policy_form(visit: Visit):
    policy, is_default = use.policy_in_force(bootstrap.wiring().rota)
    return _page(visit, policy_view.form_values(policy), policy, is_default=is_default)


@console_route(bp, "/staff/oncall/policy", methods=("POST",), coordinator=True)
def save_policy(visit: Visit):
    values = policy_view.posted_values(visit.field)
    wiring = bootstrap.wiring()
    try:
        policy = policy_view.parse(values)
        if visit.field("step") != "save":
            return _page(visit, values, policy, previewed=True)
        use.put_policy(wiring.rota, wiring.directory, visit.actor, policy)
    except DomainError as refused:
        field = refused.field if refused.field and refused.field[-1].isdigit() \
            or refused.field == "repeat" else "notify-0"
        return _page(visit, values, None, errors={field: refused.message}, status=422)
    return visit.go("/staff/oncall/policy?notice=saved")


def _page(visit: Visit, values: dict, policy, previewed=False, is_default=False,
          errors=None, status=200):
    rows = None
    if policy is not None:
        rows = policy_view.timeline_rows(
            visit.words, policy_timeline(bootstrap.wiring().rota, policy, visit.now), visit.now)
    return visit.page("policy.html", "staff.policy.title", status=status, values=values,
                      rows=rows, previewed=previewed, is_default=is_default,
                      errors=errors or {},
                      saved=query_param(visit.request, "notice") == "saved")
