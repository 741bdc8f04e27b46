"""SQS wake-ups for delivery: sent after a commit that queued messages, handled once, best effort."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from chalicelib.domain.notification import Notification
from chalicelib.local.queue import LocalQueue
from chalicelib.notify import wake
from chalicelib.notify.providers import FakeProvider
from chalicelib.services.notifications import deliver_woken
from chalicelib.store import outbox, tx
from chalicelib.store.deliveries import DynamoDeliveries
from chalicelib.store.directory import DynamoDirectory
from harness.booking import NOW, TUESDAY, at, book, make_family
from tests.support.notify import make_case

T0 = NOW
deliveries = DynamoDeliveries()


@pytest.fixture
def clock(aws):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def memory_waker(aws):
    from chalicelib import bootstrap

    bootstrap.wiring()  # configures the table; then listen instead of the local spool
    waker = wake.MemoryWaker()
    tx.on_outbox_commit(lambda ids: wake.best_effort(waker, ids))
    yield waker
    tx.on_outbox_commit(None)


def queue_confirmation(case, key="confirmation:a1", not_before=None) -> Notification:
    note = Notification("confirmation", "sms", case.contact.phone, key, case_id=case.id,
                        params={"start": "2026-12-02T07:00:00+00:00", "location": "home",
                                "link": "https://t.example/book/x"},
                        not_before=not_before)
    change = tx.Transaction()
    outbox.enqueue(change, note, T0)
    change.commit()
    return note


def sqs_event(*bodies: str) -> dict:
    return {"Records": [{"messageId": f"m{n}", "receiptHandle": f"r{n}", "body": body,
                         "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs"}
                        for n, body in enumerate(bodies)]}


def status_of(note: Notification) -> str:
    (stored,) = deliveries.get_many([note.id])
    return stored.status


def test_booking_a_slot_wakes_the_local_queue_with_the_confirmation_ids(client, token, clock, aws):
    family = make_family(client, token("coordinator"))
    status, body = book(client, family, at(TUESDAY, 10))
    assert status == 201, body

    spool = LocalQueue(Path(aws["TAPAAMO_LOCAL_DIR"]))
    (message,) = spool.receive(wake.QUEUE, 10, now=NOW.timestamp() + 1)
    named = wake.note_ids_of(message.body)
    queued = [n for n in deliveries.list_for(f"CASE#{family.case}") if n.kind == "confirmation"]
    assert sorted(named) == sorted(n.id for n in queued) and len(named) == 1  # SMS by default


def test_a_commit_wakes_once_with_every_note_due_now_and_not_the_later_ones(memory_waker):
    case = make_case()
    meeting = {"start": T0.isoformat(), "location": "home", "link": "https://t.example/book/x"}
    now_note = Notification("confirmation", "sms", "+358401234567", "k1", case_id=case.id,
                            params=meeting)
    later = Notification("reminder", "sms", "+358401234567", "k2", case_id=case.id,
                         not_before=T0 + timedelta(hours=3), params=meeting)
    change = tx.Transaction()
    outbox.enqueue(change, now_note, T0)
    outbox.enqueue(change, later, T0)
    change.commit()
    assert memory_waker.woken == [[now_note.id]]


def test_a_queue_that_is_down_does_not_fail_the_commit_and_logs_ids_only(aws, caplog, monkeypatch):
    from chalicelib import bootstrap

    # Chalice sets its app logger ("tapaamo") to ERROR and stops propagation: undo for caplog.
    monkeypatch.setattr(logging.getLogger("tapaamo"), "propagate", True)
    monkeypatch.setattr(logging.getLogger("tapaamo"), "level", logging.WARNING)
    bootstrap.wiring()
    tx.on_outbox_commit(lambda ids: wake.best_effort(wake.MemoryWaker(failing=True), ids))
    try:
        case = make_case()
        note = queue_confirmation(case)
    finally:
        tx.on_outbox_commit(None)
    assert status_of(note) == "queued"  # committed; the sweep will deliver it
    (message,) = {r.getMessage() for r in caplog.records if "wake-up" in r.getMessage()}
    assert note.id in message and "ConnectionError" in message
    assert case.contact.phone not in message


def test_the_handler_delivers_once_even_when_the_wake_up_comes_twice(memory_waker, clock):
    case = make_case()
    note = queue_confirmation(case)
    body = wake.message_body(memory_waker.woken[0])
    provider = FakeProvider()

    assert deliver_woken(DynamoDirectory(), deliveries, provider, [("m1", body)], T0) == []
    assert deliver_woken(DynamoDirectory(), deliveries, provider, [("m1", body)], T0) == []

    assert len(provider.sent) == 1 and status_of(note) == "sent"


def test_a_failing_provider_reports_that_record_and_leaves_the_message_for_the_sweep(memory_waker):
    case = make_case()
    ok = queue_confirmation(case, key="confirmation:ok")
    failing = queue_confirmation(case, key="confirmation:bad")
    provider = FakeProvider()
    provider.fail_next()  # the first send fails: the one the first wake-up names

    again = deliver_woken(DynamoDirectory(), deliveries, provider, [
        ("m-bad", wake.message_body([failing.id])), ("m-ok", wake.message_body([ok.id]))], T0)

    assert again == ["m-bad"]
    assert (status_of(failing), status_of(ok)) == ("queued", "sent")
    (retry,) = deliveries.get_many([failing.id])
    assert retry.due_at > T0 and retry.last_error  # back in the due index for the sweep


def test_a_note_not_yet_due_or_being_sent_is_left_alone(memory_waker):
    case = make_case()
    later = queue_confirmation(case, key="confirmation:later", not_before=T0 + timedelta(hours=1))
    claimed = queue_confirmation(case, key="confirmation:claimed")
    (seen,) = deliveries.get_many([claimed.id])
    deliveries.claim(seen, T0)  # another sender holds it, its lease still running
    provider = FakeProvider()

    again = deliver_woken(DynamoDirectory(), deliveries, provider,
                          [("m1", wake.message_body([later.id, claimed.id]))], T0)

    assert again == [] and provider.sent == []
    assert (status_of(later), status_of(claimed)) == ("queued", "sending")


def test_the_sqs_handler_returns_partial_batch_failures(memory_waker, monkeypatch):
    from app import app
    from chalicelib import bootstrap

    case = make_case()
    ok, bad = queue_confirmation(case, "confirmation:ok"), queue_confirmation(case, "confirmation:bad")
    provider = FakeProvider()
    provider.fail_next()
    monkeypatch.setattr(bootstrap, "now", lambda: T0)
    wiring = bootstrap.wiring()
    monkeypatch.setattr(bootstrap, "wiring", lambda: wiring.__class__(
        **{**wiring.__dict__, "notifier": provider}))

    result = app.handler_map["deliver_notifications"](
        sqs_event(wake.message_body([bad.id]), "not json", wake.message_body([ok.id])), None)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert [m.body for _, _, m in provider.sent] and status_of(ok) == "sent"
