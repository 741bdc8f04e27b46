"""GET /notifications: coordinators only, by case or escalation (docs/api.md)."""

import json

import pytest

from chalicelib.domain.notification import Notification
from chalicelib.store import outbox
from chalicelib.store.tx import Transaction
from tests.support.notify import hki, make_case


@pytest.fixture
def case(client):
    from chalicelib import bootstrap

    bootstrap.wiring()
    return make_case()


def get(client, path, headers):
    response = client.http.get(path, headers=headers)
    return response.status_code, json.loads(response.body)


def test_a_case_lists_its_notifications_oldest_first(client, token, case):
    for n, kind in enumerate(("confirmation", "cancellation")):
        tx = Transaction()
        meeting = {"start": "2026-12-02T07:00:00+00:00", "location": "home", "link": "x"}
        outbox.enqueue(tx, Notification(kind, "sms", "+358401234567", f"{kind}:a1",
                                        case_id=case.id, params=meeting), hki(2026, 12, 1, 10, n))
        tx.commit()
    status, body = get(client, f"/notifications?case={case.id}", token())
    assert status == 200
    assert [(n["kind"], n["channel"], n["status"], n["sent_at"]) for n in
            body["notifications"]] == [("confirmation", "sms", "queued", None),
                                       ("cancellation", "sms", "queued", None)]
    assert body["notifications"][0]["created_at"] == "2026-12-01T10:00:00+02:00"
    assert set(body["notifications"][0]) == {"id", "kind", "channel", "recipient", "status",
                                             "created_at", "sent_at", "last_error"}


def test_an_escalation_lists_its_notifications(client, token, case):
    tx = Transaction()
    outbox.enqueue(tx, Notification("escalation", "sms", "+358401000001", "esc:e1:step0",
                                    escalation_id="e1",
                                    params={"code": "E1", "case": "", "callback": "",
                                            "page": "0.0"}),
                   hki(2026, 12, 1, 3, 0))
    tx.commit()
    status, body = get(client, "/notifications?escalation=e1", token())
    assert status == 200 and [n["kind"] for n in body["notifications"]] == ["escalation"]


@pytest.mark.parametrize("query", ["", "?case=k1&escalation=e1"])
def test_exactly_one_filter_is_required(client, token, case, query):
    status, body = get(client, f"/notifications{query}", token())
    assert status == 400 and body["error"]["code"] == "missing_parameter"


def test_workers_may_not_list_notifications(client, token, case):
    status, _ = get(client, f"/notifications?case={case.id}", token("worker", "w1"))
    assert status == 403


def test_an_unknown_case_is_404_and_a_missing_token_401(client, token, case):
    assert get(client, "/notifications?case=nope", token())[0] == 404
    assert get(client, f"/notifications?case={case.id}", {})[0] == 401
