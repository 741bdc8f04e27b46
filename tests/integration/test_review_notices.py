"""Review reminders and overdue notices through the outbox: right time, right people, once.

A perhetyo case starts on Monday 2.11.2026: its plan is due Monday 16.11., so reminders
fall on 2.11. (14 days before) and Friday 13.11. (3 days before), and the overdue notice
on Tuesday 17.11. Sweeps run at pinned times, as the minute schedule would.
"""

from datetime import datetime

import pytest
import time_machine

from chalicelib.domain.notification import Notification
from chalicelib.domain.review_rules import DEFAULT_RULES, rules_to_payload
from chalicelib.domain.workdays import HELSINKI
from chalicelib.services import reviews as use
from chalicelib.store import outbox
from chalicelib.store.tx import Transaction, client as ddb, table_name
from tests.integration.test_reviews_api import OPENED, run_job, token  # noqa: F401 - fixture
from harness.api import call, make_case, make_worker

COORDINATOR = "tiimivastaava@example.org"


@pytest.fixture
def env(aws, monkeypatch):
    monkeypatch.setenv("TAPAAMO_COORDINATOR_EMAIL", COORDINATOR)


@pytest.fixture
def case(client, token, env):
    boss = token("coordinator")
    instructor = make_worker(client, boss)
    status, _ = call(client, "PUT", "/workers/sw-phone-only", boss,
                     {"name": "Social Worker", "phone": "040 555 0101"})
    assert status == 201
    with time_machine.travel(OPENED, tick=False):
        body = make_case(client, boss, [instructor], service="perhetyo",
                         start_date="2026-11-02", social_worker="sw-phone-only")
    return {"id": body["id"], "instructor": instructor}


def local_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


def sweep(client, when: str):
    with time_machine.travel(local_time(when), tick=False):
        return run_job(client, "sweep_review_notices")


def queued(case_id: str) -> list[tuple]:
    """(kind, channel, recipient, review, due) of every note queued for the case."""
    pages = ddb().get_paginator("query").paginate(
        TableName=table_name(), IndexName="by_parent",
        KeyConditionExpression="gsi1pk = :p",
        ExpressionAttributeValues={":p": {"S": f"CASE#{case_id}#NOTES"}})
    items = [item for page in pages for item in page["Items"]]
    assert all(i["params"]["M"]["code"]["S"] == case_id for i in items)  # the text's case code
    return sorted((i["kind"]["S"], i["channel"]["S"], i["recipient"]["S"],
                   i["params"]["M"]["review"]["S"], i["params"]["M"]["due"]["S"]) for i in items)


def test_the_two_week_reminder_goes_to_the_workers_when_the_case_opens(client, case):
    sweep(client, "2026-11-02T10:01")
    assert queued(case["id"]) == [
        ("review-due", "email", f"{case['instructor']}@example.org", "plan", "2026-11-16"),
        ("review-due", "sms", "+358405550101", "plan", "2026-11-16"),
    ]


def test_each_notice_is_queued_once_at_its_time_and_then_the_timer_stops(client, case, aws):
    from chalicelib import bootstrap

    sweep(client, "2026-11-02T10:01")
    sweep(client, "2026-11-02T10:02")
    assert len(queued(case["id"])) == 2
    sweep(client, "2026-11-13T07:59")
    assert len(queued(case["id"])) == 2
    sweep(client, "2026-11-13T08:00")
    sweep(client, "2026-11-16T12:00")  # the due day itself: nothing new
    assert len(queued(case["id"])) == 4
    sweep(client, "2026-11-17T08:01")
    sweep(client, "2026-11-17T08:02")
    notes = queued(case["id"])
    assert [n for n in notes if n[0] == "review-overdue"] == [
        ("review-overdue", "email", COORDINATOR, "plan", "2026-11-16")]
    assert len(notes) == 5
    plan = bootstrap.wiring().reviews.records(case["id"])["plan.1"]
    assert plan.notice_on is None and plan.last_sent_on.isoformat() == "2026-11-17"


def test_two_sweeps_that_read_the_same_timers_queue_each_notice_once(client, case, aws):
    from chalicelib import bootstrap

    wiring = bootstrap.wiring()
    now = local_time("2026-11-02T10:01")
    first, second = wiring.reviews.due_records(now), wiring.reviews.due_records(now)
    assert [r.review.id for r in first] == ["plan.1"]
    claims = [use.send_notice(wiring.reviews, wiring.directory, (COORDINATOR,), record, now)
              for record in (*first, *second)]
    assert claims == [True, False]
    assert len(queued(case["id"])) == 2  # one reminder each to the two owners


def test_a_notice_queued_before_a_lost_claim_is_not_queued_again(client, case, aws):
    from chalicelib import bootstrap

    wiring = bootstrap.wiring()
    now = local_time("2026-11-02T10:01")
    key = f"review-due:{case['id']}:plan.1:2026-11-02"
    tx = Transaction()
    params = {"review": "plan", "due": "2026-11-16", "code": case["id"]}
    outbox.enqueue(tx, Notification("review-due", "sms", "+358405550101", key, params=params,
                                    case_id=case["id"]), now)
    tx.commit()
    assert use.send_due_notices(wiring.reviews, wiring.directory, (COORDINATOR,), now) == 1
    assert len(queued(case["id"])) == 2  # the e-mail is new, the SMS was there already
    assert wiring.reviews.records(case["id"])["plan.1"].notice_on.isoformat() == "2026-11-13"


def test_a_completed_review_sends_no_more_notices(client, case, token):
    boss = token("coordinator")
    with time_machine.travel(local_time("2026-11-05T09:00"), tick=False):
        status, _ = call(client, "POST", f"/cases/{case['id']}/reviews/plan.1/complete", boss)
    assert status == 200
    sweep(client, "2026-11-13T09:00")
    sweep(client, "2026-11-17T09:00")
    assert queued(case["id"]) == []


def put_plan_reminders(client, boss, days, when: str):
    rules = rules_to_payload(DEFAULT_RULES["perhetyo"])["rules"]
    rules[0] = {**rules[0], "reminder_days": days}
    with time_machine.travel(local_time(when), tick=False):
        status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": rules})
    assert status == 200, body


def test_edited_reminder_days_move_the_pending_reminder_and_a_sent_one_is_not_sent_again(
        client, case, token):
    sweep(client, "2026-11-02T10:01")  # the 14-day reminder to both owners
    put_plan_reminders(client, token("coordinator"), [20, 14, 7], "2026-11-03T09:00")
    sweep(client, "2026-11-03T09:01")  # runs the queued recompute; 20 days before is past
    assert [n[4] for n in queued(case["id"])] == ["2026-11-16"] * 2
    sweep(client, "2026-11-09T07:59")
    assert len(queued(case["id"])) == 2
    sweep(client, "2026-11-09T08:00")  # 7 days before 16.11.
    sweep(client, "2026-11-09T08:01")
    assert len(queued(case["id"])) == 4
    sweep(client, "2026-11-13T08:00")  # the 3-day reminder is no longer asked for
    assert len(queued(case["id"])) == 4


def test_the_local_pump_runs_the_recompute_a_rule_edit_queued(client, case, token, aws):
    from pathlib import Path

    from app import app
    from chalicelib import bootstrap
    from chalicelib.local.pump import Pump
    from chalicelib.local.queue import LocalQueue

    put_plan_reminders(client, token("coordinator"), [10], "2026-11-03T09:00")
    store = bootstrap.wiring().reviews
    assert store.records(case["id"])["plan.1"].review.reminder_days == (14, 3)
    now = local_time("2026-11-03T09:01")
    assert [job.service for job in store.due_jobs(now)] == ["perhetyo"]
    with time_machine.travel(now, tick=False):
        Pump(app, LocalQueue(Path(aws["TAPAAMO_LOCAL_DIR"]))).run_schedules(now)
    plan = store.records(case["id"])["plan.1"]
    assert (plan.review.reminder_days, plan.notice_on.isoformat()) == ((10,), "2026-11-06")
    assert store.due_jobs(now) == []


def test_a_review_notice_is_written_in_each_recipients_language(client, case, token, aws):
    from tests.support.notify import sink_messages

    boss = token("coordinator")
    status, _ = call(client, "PUT", f"/workers/{case['instructor']}", boss,
                     {"name": "Test Worker", "email": f"{case['instructor']}@example.org",
                      "language": "sv"})
    assert status == 200
    for when in ("2026-11-02T10:01", "2026-11-13T08:00", "2026-11-17T08:01"):
        sweep(client, when)
        with time_machine.travel(local_time(when), tick=False):
            run_job(client, "sweep_notifications")
    got = sorted({(m["to"], m["subject"], m["body"]) for m in sink_messages(
        aws["TAPAAMO_LOCAL_DIR"])})  # the 14-day and the 3-day reminders read the same
    code = case["id"]
    assert got == [
        ("+358405550101", "Määräpäivä lähestyy: suunnitelma",
         f"Asiakkuus {code}: suunnitelma, määräpäivä 16.11.2026."),
        (COORDINATOR, "Myöhässä: suunnitelma",
         f"Asiakkuus {code}: suunnitelma on myöhässä (määräpäivä 16.11.2026)."),
        (f"{case['instructor']}@example.org", "Förfaller snart: plan",
         f"Klient {code}: plan, förfaller 16.11.2026."),
    ]
