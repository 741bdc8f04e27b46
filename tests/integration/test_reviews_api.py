"""Review rules and case reviews over HTTP on moto: defaults, meetings, edits, completion,
access. Time is pinned with time-machine at the edge (the request clock)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from chalicelib.domain.directory import SERVICES
from chalicelib.domain.review_rules import DEFAULT_RULES, rules_to_payload
from chalicelib.domain.workdays import HELSINKI
from chalicelib.store.tx import Transaction
from harness.api import call, make_case, make_worker

# Monday 2 November 2026, 10:00 in Helsinki.
OPENED = datetime(2026, 11, 2, 10, tzinfo=HELSINKI)


@pytest.fixture
def token(aws):
    """Staff headers valid across every pinned time of these tests."""
    from pathlib import Path

    from chalicelib.auth import mint_local_token

    def make(role: str = "coordinator", worker: str | None = None) -> dict:
        value = mint_local_token(Path(aws["TAPAAMO_LOCAL_DIR"]), role, worker,
                                 datetime(2026, 1, 1, tzinfo=UTC), ttl=timedelta(days=1000))
        return {"Authorization": f"Bearer {value}", "Content-Type": "application/json"}

    return make


@pytest.fixture
def boss(token):
    return token("coordinator")


@pytest.fixture
def store(aws):
    from chalicelib import bootstrap

    return bootstrap.wiring().reviews


def at(day: str, hour: int = 10):
    """Pin the clock to a Helsinki wall-clock time."""
    return time_machine.travel(datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(
        tzinfo=HELSINKI), tick=False)


def open_case(client, boss, service, workers=None, **fields):
    workers = workers or [make_worker(client, boss)]
    with time_machine.travel(OPENED, tick=False):
        return make_case(client, boss, workers, service=service, start_date="2026-11-02",
                         **fields)


def reviews_of(client, headers, case_id):
    status, body = call(client, "GET", f"/cases/{case_id}/reviews", headers)
    assert status == 200, body
    return {r["id"]: r for r in body["reviews"]}


def dues(client, headers, case_id):
    return {rid: r["due"] for rid, r in reviews_of(client, headers, case_id).items()}


def run_job(client, name: str):
    """Invoke a scheduled function as EventBridge would."""
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    return client.lambda_.invoke(name, event).payload


def add_appointment(case_id, start: str, status="booked", outcome="held"):
    """An appointment as booking stores it (pk=APPT#<id>, by_parent CASE#<case>#APPTS),
    with the outcome staff recorded (held unless told)."""
    instant = datetime.fromisoformat(start).replace(tzinfo=HELSINKI).astimezone(UTC)
    tx = Transaction()
    tx.put({"pk": f"APPT#{uuid.uuid4().hex[:8]}", "sk": "APPT", "case_id": case_id,
            "start": instant.isoformat(), "status": status, "outcome": outcome,
            "gsi1pk": f"CASE#{case_id}#APPTS", "gsi1sk": instant.isoformat()}, label="appt")
    tx.commit()


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_its_default_rules_until_some_are_stored(client, token, service):
    status, body = call(client, "GET", f"/review-rules/{service}", token("worker", "w1"))
    assert status == 200
    assert body == {"service": service, **rules_to_payload(DEFAULT_RULES[service])}


def test_an_unknown_service_has_no_rules(client, boss):
    assert call(client, "GET", "/review-rules/kotipalvelu", boss)[0] == 404
    assert call(client, "PUT", "/review-rules/kotipalvelu", boss, {"rules": []})[0] == 404


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("tehostettu-perhetyo", {"plan.1": "2026-11-16", "review.1": "2027-03-02",
                                 "final.1": "2027-11-02", "client-plan-review.1": "2027-11-02"}),
        ("perhetyo", {"plan.1": "2026-11-16", "review.1": "2027-03-02",
                      "client-plan-review.1": "2027-11-02"}),
        ("korjaava-perhetyo", {"summary.1": "2027-02-02", "client-plan-review.1": "2027-11-02"}),
        ("tukihenkilotoiminta", {"phase-review.1": "2027-02-02",
                                 "client-plan-review.1": "2027-11-02"}),
        # 7 working days: 3.–11.11. (no holidays); 3 months: 2.2.2027 is a Tuesday.
        ("palvelutarpeen-arviointi", {"assessment-start.1": "2026-11-11",
                                      "assessment-complete.1": "2027-02-02",
                                      "client-plan-review.1": "2027-11-02"}),
    ],
)
def test_a_new_case_gets_the_default_reviews_of_its_service(client, boss, service, expected):
    case = open_case(client, boss, service)
    with at("2026-11-02"):
        assert dues(client, boss, case["id"]) == expected


def test_the_network_meeting_is_due_after_the_fifth_held_meeting_not_a_cancelled_one(
        client, boss):
    case = open_case(client, boss, "korjaava-perhetyo")
    for day in ("2026-11-03", "2026-11-05", "2026-11-10", "2026-11-12"):
        add_appointment(case["id"], f"{day}T09:00")
    add_appointment(case["id"], "2026-11-17T09:00", status="cancelled")
    add_appointment(case["id"], "2026-11-24T09:00")  # booked, but still ahead on 20.11.
    with at("2026-11-20"):
        assert "network-meeting.1" not in dues(client, boss, case["id"])
    with at("2026-11-25"):
        # 14 days after Tuesday 24.11. is Tuesday 8.12.
        assert dues(client, boss, case["id"])["network-meeting.1"] == "2026-12-08"


def test_the_daily_recompute_materialises_the_network_meeting_without_a_read(
        client, boss, store):
    worker = make_worker(client, boss)
    case = open_case(client, boss, "korjaava-perhetyo", workers=[worker])
    for day in ("2026-11-03", "2026-11-05", "2026-11-10", "2026-11-12", "2026-11-17"):
        add_appointment(case["id"], f"{day}T09:00")
    assert "network-meeting.1" not in store.records(case["id"])
    with at("2026-11-18", hour=3):
        run_job(client, "recompute_reviews_daily")
    assert store.records(case["id"])["network-meeting.1"].review.due.isoformat() == "2026-12-01"
    assert [d.review_id for d in store.open_deadlines(worker)][:1] == ["network-meeting.1"]


def drain_review_jobs(client, day: str, hour: int = 10):
    """Run the minute review sweep, which runs the recomputes that rule edits queued."""
    with at(day, hour):
        run_job(client, "sweep_review_notices")


def test_editing_a_rule_queues_a_recompute_of_the_open_reviews_of_the_service(
        client, boss, store):
    worker = make_worker(client, boss)
    case = open_case(client, boss, "perhetyo", workers=[worker])
    rules = rules_to_payload(DEFAULT_RULES["perhetyo"])["rules"]
    rules[0] = {**rules[0], "days": 30}
    with at("2026-11-03"):
        status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": rules})
    assert status == 200 and body["rules"][0]["days"] == 30
    # The request only stored the rules and queued the work.
    assert store.records(case["id"])["plan.1"].review.due.isoformat() == "2026-11-16"
    drain_review_jobs(client, "2026-11-03", hour=11)
    # Stored without anyone reading the case: 2.11. + 30 days is Wednesday 2.12.
    assert store.records(case["id"])["plan.1"].review.due.isoformat() == "2026-12-02"
    assert ("plan.1", "2026-12-02") in {(d.review_id, d.due.isoformat())
                                        for d in store.open_deadlines(worker)}
    with at("2026-11-03"):
        assert dues(client, boss, case["id"])["plan.1"] == "2026-12-02"


def test_removing_a_rule_drops_its_open_review_and_the_deadline(client, boss, store):
    worker = make_worker(client, boss)
    case = open_case(client, boss, "tukihenkilotoiminta", workers=[worker])
    with at("2026-11-03"):
        call(client, "PUT", "/review-rules/tukihenkilotoiminta", boss,
             {"rules": [{"id": "final", "kind": "final", "type": "by_end", "max_months": 6}]})
    drain_review_jobs(client, "2026-11-03", hour=11)
    assert set(store.records(case["id"])) == {"final.1"}
    assert [(d.case_id, d.review_id) for d in store.open_deadlines(worker)] == [
        (case["id"], "final.1")]


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([{"id": "plan", "kind": "plan", "type": "after_days", "days": -1}], "rules[0].days"),
        ([{"id": "plan", "kind": "lunch", "type": "after_days", "days": 3}], "rules[0].kind"),
        ([{"id": "p", "kind": "plan", "type": "after_days", "days": 3},
          {"id": "p", "kind": "plan", "type": "after_days", "days": 4}], "rules[1].id"),
        ([{"id": "p", "kind": "plan", "type": "after_days", "days": 3,
           "reminder_days": [7, 7]}], "rules[0].reminder_days"),
        ([{"id": "p", "kind": "plan", "type": "after_days", "days": 3,
           "reminder_days": [400]}], "rules[0].reminder_days"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(client, boss, rules, field):
    status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": rules})
    assert status == 422 and body["error"]["field"] == field


def test_reminder_days_are_stored_largest_first_and_every_rule_shows_its_effective_days(
        client, boss):
    rules = [{"id": "plan", "kind": "plan", "type": "after_days", "days": 14,
              "reminder_days": [1, 21, 7]},
             {"id": "final", "kind": "final", "type": "by_end", "max_months": 6}]
    status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": rules})
    assert status == 200
    assert [r["reminder_days"] for r in body["rules"]] == [[21, 7, 1], [14, 3]]
    status, body = call(client, "GET", "/review-rules/perhetyo", boss)
    assert status == 200 and [r["reminder_days"] for r in body["rules"]] == [[21, 7, 1], [14, 3]]
    malformed = [{**rules[0], "reminder_days": "14"}]
    status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": malformed})
    assert status == 400 and body["error"]["field"] == "rules[0].reminder_days"


def test_changing_the_start_date_moves_the_stored_deadlines(client, boss, store):
    worker = make_worker(client, boss)
    case = open_case(client, boss, "perhetyo", workers=[worker])
    with at("2026-11-03"):
        status, _ = call(client, "PATCH", f"/cases/{case['id']}", boss,
                         {"start_date": "2026-11-09"})
    assert status == 200
    assert store.records(case["id"])["plan.1"].review.due.isoformat() == "2026-11-23"
    assert [d.due.isoformat() for d in store.open_deadlines(worker)][0] == "2026-11-23"


def test_completing_a_review_schedules_the_next_from_the_completion_date(client, boss):
    case = open_case(client, boss, "perhetyo")
    path = f"/cases/{case['id']}/reviews/review.1/complete"
    with at("2027-02-20"):
        status, body = call(client, "POST", path, boss, {"date": "2027-02-15"})
        assert status == 200, body
        assert body["status"] == "completed" and body["completed_on"] == "2027-02-15"
        # 15.6.2027 is a Tuesday: four months from the completion, not from the start.
        assert body["next"] == {"id": "review.2", "kind": "review", "due": "2027-06-15",
                                "status": "open"}
        assert dues(client, boss, case["id"])["review.2"] == "2027-06-15"
        assert call(client, "POST", path, boss, {"date": "2027-02-16"})[0] == 409
        second = f"/cases/{case['id']}/reviews/review.2/complete"
        assert call(client, "POST", second, boss, {"date": "2027-02-14"})[1]["error"][
            "code"] == "before_previous"


def test_a_completion_defaults_to_today_in_helsinki(client, boss):
    case = open_case(client, boss, "perhetyo")
    # 23:30 UTC on 10.11. is already 11.11. in Helsinki.
    with time_machine.travel(datetime(2026, 11, 10, 23, 30, tzinfo=UTC), tick=False):
        status, body = call(client, "POST", f"/cases/{case['id']}/reviews/plan.1/complete", boss)
    assert status == 200 and body["completed_on"] == "2026-11-11"


@pytest.mark.parametrize(
    ("review", "body", "status", "code"),
    [
        ("plan.1", {"date": "2026-11-04"}, 422, "future_date"),
        ("plan.1", {"date": "2026-13-01"}, 422, "invalid_value"),
        ("plan.7", {}, 404, "not_found"),
        ("final.1", {}, 404, "not_found"),  # perhetyo has no final rule
    ],
)
def test_a_completion_the_rules_do_not_allow_is_refused(client, boss, review, body, status,
                                                        code):
    case = open_case(client, boss, "perhetyo")
    with at("2026-11-03"):
        answer = call(client, "POST", f"/cases/{case['id']}/reviews/{review}/complete", boss, body)
    assert answer[0] == status
    if code != "not_found":
        assert answer[1]["error"]["code"] == code


def test_workers_see_and_complete_only_their_own_cases(client, boss, token):
    mine, other = make_worker(client, boss), make_worker(client, boss)
    case = open_case(client, boss, "perhetyo", workers=[mine])
    me, stranger = token("worker", mine), token("worker", other)
    with at("2026-11-03"):
        assert call(client, "GET", f"/cases/{case['id']}/reviews", me)[0] == 200
        assert call(client, "GET", f"/cases/{case['id']}/reviews", stranger)[0] == 404
        path = f"/cases/{case['id']}/reviews/plan.1/complete"
        assert call(client, "POST", path, stranger, {})[0] == 404
        assert call(client, "POST", path, me, {})[0] == 200
        assert call(client, "PUT", "/review-rules/perhetyo", me, {"rules": []})[0] == 403
        _, audit = call(client, "GET", f"/cases/{case['id']}/audit", boss)
    actions = [(e["actor"], e["action"]) for e in audit["entries"]]
    assert (f"worker:{mine}", "reviews.read") in actions
    assert (f"worker:{mine}", "reviews.complete") in actions


def test_recording_the_fourth_held_meeting_makes_the_plan_of_an_assessment_due(client, boss):
    case = open_case(client, boss, "palvelutarpeen-arviointi")
    recorded = []
    with at("2026-11-20"):
        for day, outcome in (("03", "held"), ("05", "held"), ("10", "no-show"), ("12", "held")):
            status, body = call(client, "POST", "/appointments", boss, {
                "case": case["id"], "start": f"2026-11-{day}T09:00:00+02:00",
                "location": "home", "outcome": outcome})
            assert status == 201, body
            recorded.append(body["id"])
        assert "plan.1" not in reviews_of(client, boss, case["id"])  # three held, one no-show
        status, body = call(client, "POST", f"/appointments/{recorded[2]}/outcome", boss,
                            {"outcome": "held"})  # it was held after all: the fourth
        assert (status, body["outcome"]) == (200, "held")
        plan = reviews_of(client, boss, case["id"])["plan.1"]
    # 14 days after the fourth held meeting (Thursday 12.11.) is Thursday 26.11.
    assert (plan["kind"], plan["due"], plan["status"]) == ("plan", "2026-11-26", "due-soon")
