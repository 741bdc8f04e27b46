"""One bad record never stops a job: a case saved before validation existed (start_date
9999-12-31) is skipped and reported by the review jobs, and every case after it is done."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date

import pytest

from chalicelib.domain.directory import Case, Contact
from chalicelib.domain.review_rules import DEFAULT_RULES, rules_to_payload
from tests.integration.test_reviews_api import (OPENED, at, boss, open_case,  # noqa: F401
                                                run_job, store, token)
from harness.api import call, make_worker

POISON_ID = "k-0-poisoned"  # sorts before every "k<hex>" id: the job meets it first


@pytest.fixture
def poisoned(client, boss):
    """A perhetyo case as an older version saved it: start date in year 9999."""
    from chalicelib import bootstrap

    directory = bootstrap.wiring().directory
    case = Case(POISON_ID, "perhetyo", (make_worker(client, boss),), date(9999, 12, 31), 90,
                1, ("home",),
                Contact("+358401234567", None, "fi"), created_at=OPENED, updated_at=OPENED)
    directory.save_case(case)
    return case


def failures(out: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if "JobRecordsFailed" in line]


def test_the_daily_recompute_skips_a_poisoned_case_reports_it_and_does_the_rest(
        client, boss, store, poisoned, capsys, caplog):
    good = open_case(client, boss, "perhetyo")
    with at("2026-11-18", hour=3), caplog.at_level(logging.ERROR, "tapaamo.jobs"):
        count = run_job(client, "recompute_reviews_daily")
    assert count >= 1
    assert store.records(good["id"]), "the case after the poisoned one was recomputed"
    assert [f["Job"] for f in failures(capsys.readouterr().out)] == ["review-recompute"]
    logged = [r.getMessage() for r in caplog.records if r.name == "tapaamo.jobs"]
    assert len(logged) == 1 and POISON_ID in logged[0]
    assert "+358" not in logged[0] and "9999" not in logged[0]


def test_a_rule_edit_recompute_skips_the_poisoned_case_and_finishes(client, boss, store,
                                                                   poisoned, capsys):
    cases = [open_case(client, boss, "perhetyo") for _ in range(2)]
    rules = rules_to_payload(DEFAULT_RULES["perhetyo"])["rules"]
    rules[0] = {**rules[0], "days": 30}
    with at("2026-11-03"):
        status, body = call(client, "PUT", "/review-rules/perhetyo", boss, {"rules": rules})
        assert status == 200, body
        run_job(client, "sweep_review_notices")
    for case in cases:
        assert store.records(case["id"])["plan.1"].review.due.isoformat() == "2026-12-02"
    assert [f["Job"] for f in failures(capsys.readouterr().out)] == ["review-recompute-job"]
    with at("2026-11-03", hour=11):
        run_job(client, "sweep_review_notices")  # the job was finished, not retried forever
    assert failures(capsys.readouterr().out) == []


def test_reading_a_poisoned_case_is_never_a_500(client, boss, poisoned):
    with at("2026-11-18"):
        status, body = call(client, "GET", f"/cases/{POISON_ID}/reviews", boss)
        assert status < 500, body
        status, body = call(client, "GET", f"/cases/{POISON_ID}", boss)
        assert status == 200 and body["start_date"] == "9999-12-31"
        # A coordinator can repair it: a start date within a year is accepted.
        status, body = call(client, "PATCH", f"/cases/{POISON_ID}", boss,
                            {"start_date": "2026-11-02"})
    assert status == 200, body
    unchanged = replace(poisoned, start_date=date(2026, 11, 2))
    assert body["start_date"] == unchanged.start_date.isoformat()
