"""Security: the staff authorization matrix (from app.routes, so a new route without an
entry fails), token enumeration only ever seeing 404, security headers on HTML."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine

from harness.api import call, make_worker
from harness.booking import NOW, TUESDAY, at, book, make_family

# Who may call each staff route: "coordinator" only; "self" (the worker in the path, or a
# coordinator); "case" (a worker of the case, or a coordinator); "case-in-body" (the same,
# with the case named in the body); "leader" (a leader of the group, or a coordinator);
# "staff" (any signed-in); "worker" (staff with a worker id: a coordinator's own account
# has no shifts to swap).
MATRIX = {
    ("GET", "/offices"): "staff",
    ("PUT", "/offices/{office_id}"): "coordinator",
    ("GET", "/workers"): "coordinator",
    ("PUT", "/workers/{worker_id}"): "coordinator",
    ("GET", "/workers/{worker_id}"): "self",
    ("POST", "/workers/{worker_id}/absences"): "self",
    ("POST", "/workers/{worker_id}/extra-hours"): "self",
    ("GET", "/workers/{worker_id}/appointments"): "self",
    ("POST", "/workers/{worker_id}/feed-tokens"): "self",
    ("PUT", "/workers/{worker_id}/busy-source"): "self",
    ("GET", "/workers/{worker_id}/busy-source"): "self",
    ("DELETE", "/workers/{worker_id}/busy-source"): "self",
    ("POST", "/workers/{worker_id}/busy-source/sync"): "self",
    ("GET", "/cases"): "staff",  # a worker gets their own (tests/integration/test_staff_lists.py)
    ("POST", "/cases"): "coordinator",
    ("GET", "/cases/{case_id}"): "case",
    ("PATCH", "/cases/{case_id}"): "coordinator",
    ("GET", "/cases/{case_id}/audit"): "coordinator",
    ("POST", "/cases/{case_id}/booking-links"): "case",
    ("DELETE", "/cases/{case_id}/booking-links"): "case",
    ("GET", "/cases/{case_id}/reviews"): "case",
    ("POST", "/cases/{case_id}/reviews/{review_id}/complete"): "case",
    ("GET", "/review-rules/{service}"): "staff",
    ("PUT", "/review-rules/{service}"): "coordinator",
    ("POST", "/appointments"): "case-in-body",
    ("POST", "/appointments/{appointment_id}/cancel"): "case",
    ("POST", "/appointments/{appointment_id}/outcome"): "case",
    ("POST", "/groups"): "coordinator",
    ("GET", "/groups/{group_id}"): "leader",  # its leaders (the worker is one) and coordinators
    ("PATCH", "/groups/{group_id}"): "coordinator",
    ("POST", "/groups/{group_id}/sessions/{session_id}/cancel"): "leader",
    ("PUT", "/feedback-surveys/{service}"): "coordinator",
    ("GET", "/notifications"): "coordinator",
    ("GET", "/oncall/rotations"): "staff",
    ("POST", "/oncall/rotations"): "coordinator",
    ("POST", "/oncall/rotations/{rotation_id}/end"): "coordinator",
    ("GET", "/oncall/overrides"): "staff",
    ("POST", "/oncall/overrides"): "coordinator",
    ("PUT", "/oncall/overrides/{override_id}"): "coordinator",
    ("POST", "/oncall/overrides/{override_id}/end"): "coordinator",
    ("GET", "/oncall/swaps"): "staff",
    ("POST", "/oncall/swaps"): "worker",
    ("POST", "/oncall/swaps/{swap_id}/accept"): "worker",
    ("GET", "/oncall/policy"): "staff",
    ("PUT", "/oncall/policy"): "coordinator",
    ("GET", "/oncall/now"): "staff",
    ("GET", "/oncall/gaps"): "staff",
    # Escalations: any signed-in member of staff, then scoped to the paged, the on-call and
    # the case's workers (404 for the rest): test_escalation_scope.py holds that matrix.
    ("POST", "/escalations"): "staff",
    ("GET", "/escalations"): "staff",
    ("GET", "/escalations/{escalation_id}"): "staff",
    ("POST", "/escalations/{escalation_id}/ack"): "staff",
    ("POST", "/escalations/{escalation_id}/resolve"): "staff",
}
REFUSED = {401, 403, 404}


def staff_routes() -> set[tuple[str, str]]:
    from app import app

    return {(m, p) for p, methods in app.routes.items() for m, e in methods.items()
            if e.authorizer is not None}


def test_every_staff_route_has_a_matrix_entry():
    assert sorted(staff_routes() - MATRIX.keys()) == []
    assert sorted(MATRIX.keys() - staff_routes()) == []


@pytest.fixture
def world(client, token):
    with time_machine.travel(NOW, tick=False):
        coord = token("coordinator")
        family = make_family(client, coord)
        mine, other = family.workers[0], make_worker(client, coord)
        booked = book(client, family, at(TUESDAY, 10))[1]
        reviews = call(client, "GET", f"/cases/{family.case}/reviews", coord)[1]["reviews"]
        escalation = call(client, "POST", "/escalations", coord, {"source": "staff"})[1]
        group = call(client, "POST", "/groups", coord, {
            "service": "perhetyo", "office": family.office, "workers": [mine],
            "start": at(TUESDAY + timedelta(days=7), 17), "minutes": 90, "sessions": 2,
            "seats": 4})[1]
        assert call(client, "PUT", f"/workers/{mine}/busy-source", coord,
                    {"kind": "graph", "mailbox": "ohjaaja@example.fi"})[0] == 200
        yield {"family": family, "coord": coord, "mine": token("worker", mine),
               "other": token("worker", other),
               "params": {"worker_id": mine, "case_id": family.case, "office_id": family.office,
                          "appointment_id": booked["id"], "service": "perhetyo",
                          "review_id": reviews[0]["id"] if reviews else "r1",
                          "escalation_id": escalation["id"], "group_id": group["id"],
                          "rotation_id": "r-none", "override_id": "primary.none",
                          "swap_id": "s-none", "session_id": group["sessions"][1]["id"]}}


def _path(template: str, params: dict) -> str:
    return template.format(**params)


@pytest.mark.parametrize("method,template", sorted(MATRIX))
def test_staff_route_answers_by_role(client, world, method, template):
    rule = MATRIX[(method, template)]
    path = _path(template, world["params"])
    body = {} if method in ("POST", "PUT", "PATCH") else None
    with time_machine.travel(NOW, tick=False):
        anonymous = call(client, method, path, {"Content-Type": "application/json"}, body)[0]
        garbage = call(client, method, path, {"Authorization": "Bearer x.y.z",
                                              "Content-Type": "application/json"}, body)[0]
        own = call(client, method, path, world["mine"], body)[0]
        other = call(client, method, path, world["other"], body)[0]
        coordinator = call(client, method, path, world["coord"], body)[0]
    assert anonymous == 401 and garbage == 401
    assert (coordinator == 403) if rule == "worker" else (
        coordinator not in (401, 403) and coordinator < 500)
    if rule == "coordinator":
        assert own == 403 and other == 403
    elif rule in ("self", "case", "leader"):
        assert own not in REFUSED and own < 500, own
        assert other in (403, 404), other
    elif rule == "case-in-body":  # an empty body names no case: refused as malformed
        assert own not in (401, 403) and other in (403, 404, 422), (own, other)
    else:  # staff, worker
        assert own not in (401, 403) and other not in (401, 403) and own < 500


def random_token() -> str:
    return secrets.token_urlsafe(18)


@pytest.mark.parametrize("path", [
    "/book/{case}.{rand}", "/book/{case}.{rand}/slots", "/book/{case}.{rand}/appointments",
    "/book/{case}.{rand}/calendar.ics", "/book/{rand}", "/feeds/{worker}.{rand}.ics",
    "/feeds/{rand}.ics", "/ack/{rand}", "/book/{upper}", "/book/{upper}/slots"])
def test_guessed_tokens_of_the_right_shape_only_ever_see_404(client, world, path):
    family = world["family"]
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            url = path.format(case=family.case, rand=random_token(),
                              worker=world["params"]["worker_id"],
                              upper=family.token.swapcase())
            assert client.http.get(url).status_code == 404, url


def test_every_html_response_carries_the_security_headers(client, world):
    family = world["family"]
    paths = [f"{family.base}", f"{family.base}/page/confirm?start={at(TUESDAY, 12)}&place=home",
             f"{family.base}/page/booked/{world['params']['appointment_id']}",
             f"{family.base}/page/cancel/{world['params']['appointment_id']}",
             f"/book/{family.case}.{random_token()}", f"/ack/{random_token()}"]
    with time_machine.travel(NOW, tick=False):
        for path in paths:
            response = client.http.get(path)
            assert response.headers["Content-Type"].startswith("text/html"), path
            headers = {k.lower(): v for k, v in response.headers.items()}
            assert "default-src" in headers.get("content-security-policy", ""), path
            assert headers.get("x-content-type-options") == "nosniff", path
            assert headers.get("referrer-policy") == "no-referrer", path
            assert "frame-ancestors 'none'" in headers["content-security-policy"] or \
                headers.get("x-frame-options") == "DENY", path
