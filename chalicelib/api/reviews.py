"""Review endpoints: rules per service and a case's plan and review deadlines (docs/api.md)."""

from datetime import date

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_object, json_response
from chalicelib.domain.errors import Invalid, Rejected
from chalicelib.domain.instants import parse_day
from chalicelib.domain.review_rules import rules_to_payload
from chalicelib.domain.reviews import ReviewDue
from chalicelib.domain.workdays import local
from chalicelib.services import reviews as use

bp = Blueprint(__name__)


def review_json(review: ReviewDue, today: date) -> dict:
    body = {"id": review.id, "kind": review.kind, "due": review.due,
            "status": review.status(today)}
    if review.earliest:
        body["earliest"] = review.earliest
    if review.completed_on:
        body["completed_on"] = review.completed_on
    return body


@endpoint(bp, "/review-rules/{service}", authorizer=staff)
def get_review_rules(service):
    actor_of(bp.current_request)
    rules = use.rules_for(bootstrap.wiring().reviews, service)
    return json_response({"service": service, **rules_to_payload(rules)})


@endpoint(bp, "/review-rules/{service}", methods=["PUT"], authorizer=staff)
def put_review_rules(service):
    request = bp.current_request
    actor = actor_of(request)
    rules = use.put_rules(bootstrap.wiring().reviews, actor, service, json_object(request),
                          bootstrap.now())
    return json_response({"service": service, **rules_to_payload(rules)})


@endpoint(bp, "/cases/{case_id}/reviews", authorizer=staff)
def list_case_reviews(case_id):
    actor = actor_of(bp.current_request)
    wiring, now = bootstrap.wiring(), bootstrap.now()
    found = use.case_reviews(wiring.reviews, wiring.directory, actor, case_id, now)
    today = local(now).date()
    return json_response({"reviews": [review_json(r, today) for r in found]})


@endpoint(bp, "/cases/{case_id}/reviews/{review_id}/complete", methods=["POST"],
          authorizer=staff)
def complete_review(case_id, review_id):
    request = bp.current_request
    actor = actor_of(request)
    on = _date_field(json_object(request), "date")
    wiring, now = bootstrap.wiring(), bootstrap.now()
    done, following = use.complete_review(wiring.reviews, wiring.directory, actor, case_id,
                                          review_id, on, now)
    today = local(now).date()
    body = review_json(done, today)
    if following:
        body["next"] = review_json(following, today)
    return json_response(body)


def _date_field(body: dict, name: str) -> date | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        return parse_day(value, name)
    except Invalid as error:
        raise Rejected(error.message, code="invalid_value", field=name) from error
