"""Outbox delivery on moto: claimed once, retried with backoff, failed visibly, crash-safe."""

import json
import threading
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.domain.delivery import MAX_ATTEMPTS
from chalicelib.domain.notification import Notification
from chalicelib.notify.delivery import deliver
from chalicelib.notify.providers import AwsProvider, Crash, FakeProvider
from chalicelib.notify.templates import Message
from chalicelib.store import outbox
from chalicelib.store.deliveries import DynamoDeliveries
from chalicelib.store.tx import Transaction
from harness.ddblocal import ddb_local  # noqa: F401 - fixture
from tests.support.notify import hki, make_case, run

T0 = hki(2026, 12, 1, 10, 0)
deliveries = DynamoDeliveries()


@pytest.fixture
def case(aws):
    from chalicelib import bootstrap

    bootstrap.wiring()
    return make_case()


def queue(case, key="confirmation:a1", now=T0) -> Notification:
    note = Notification("confirmation", "sms", case.contact.phone, key, case_id=case.id,
                        params={"start": "2026-12-02T07:00:00+00:00", "location": "home",
                                "link": "https://t.example/book/x"})
    tx = Transaction()
    outbox.enqueue(tx, note, now)
    tx.commit()
    return note


def stored(case):
    return {n.id: n for n in deliveries.list_for(f"CASE#{case.id}")}


def metrics(capsys, name):
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()
             if line.startswith("{")]
    return [line for line in lines if name in line]


def test_a_queued_message_is_sent_once_and_recorded(case):
    provider = FakeProvider()
    note = queue(case)
    assert run(provider, T0)["sent"] == 1
    run(provider, T0 + timedelta(minutes=1))
    assert len(provider.sent) == 1
    sent = stored(case)[note.id]
    assert (sent.status, sent.attempts, sent.provider_id, sent.sent_at) == (
        "sent", 1, "fake-1", T0)


def test_a_sweep_that_read_the_index_too_late_sends_nothing(case):
    provider = FakeProvider()
    queue(case)
    seen_by_both = deliveries.find_due(T0, limit=100)
    assert run(provider, T0)["sent"] == 1
    late = [deliver(deliveries, seen, provider, T0, {}) for seen in seen_by_both]
    assert late == ["skipped"] and len(provider.sent) == 1


def test_two_parallel_sweeps_send_each_message_once(ddb_local):
    from chalicelib import bootstrap

    bootstrap.wiring()
    case = make_case()
    provider = FakeProvider()
    notes = [queue(case, key=f"confirmation:a{n}") for n in range(12)]
    start = threading.Barrier(2)
    outcomes = []

    def sweep():
        start.wait()
        outcomes.append(run(provider, T0))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert sorted(message.body for _, _, message in provider.sent) == sorted(
        [provider.sent[0][2].body] * len(notes))
    assert sum(o["sent"] for o in outcomes) == len(notes)
    assert {n.status for n in stored(case).values()} == {"sent"}


def test_a_failing_provider_is_retried_with_backoff_then_the_message_is_sent(case):
    provider = FakeProvider()
    provider.fail_next(2)
    note = queue(case)
    run(provider, T0)
    retry = stored(case)[note.id]
    assert (retry.status, retry.attempts, retry.due_at) == ("queued", 1, T0 + timedelta(minutes=1))
    assert retry.last_error == "provider down"
    run(provider, T0 + timedelta(seconds=59))
    assert stored(case)[note.id].attempts == 1  # not due yet
    run(provider, T0 + timedelta(minutes=1))
    assert stored(case)[note.id].due_at == T0 + timedelta(minutes=3)
    run(provider, T0 + timedelta(minutes=3))
    assert stored(case)[note.id].status == "sent" and len(provider.sent) == 1


def test_after_the_last_attempt_the_message_is_failed_visible_and_counted(case, capsys, client,
                                                                         token):
    provider = FakeProvider()
    provider.fail_next(MAX_ATTEMPTS + 3)
    note = queue(case)
    at = T0
    for _ in range(MAX_ATTEMPTS + 2):
        run(provider, at)
        at += timedelta(minutes=20)
    failed = stored(case)[note.id]
    assert (failed.status, failed.attempts, failed.due_at) == ("failed", MAX_ATTEMPTS, None)
    assert provider.sent == []
    [metric] = metrics(capsys, "NotificationsFailed")
    assert metric["Kind"] == "confirmation"
    assert metric["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Tapaamo"
    response = client.http.get(f"/notifications?case={case.id}", headers=token())
    assert [(n["id"], n["status"]) for n in json.loads(response.body)["notifications"]] == [
        (note.id, "failed")]


def test_a_bad_number_fails_at_once_without_retries(case, capsys):
    provider = FakeProvider()
    note = Notification("reminder", "sms", "040 123", "reminder:x", case_id=case.id,
                        params={"start": "2026-12-02T07:00:00+00:00", "location": "home",
                                "link": "https://t.example/book/x"})
    tx = Transaction()
    outbox.enqueue(tx, note, T0)
    tx.commit()
    run(provider, T0)
    assert stored(case)[note.id].status == "failed"
    assert len(metrics(capsys, "NotificationsFailed")) == 1


def test_a_crash_between_send_and_record_resends_once_after_the_lease(case, capsys):
    provider = FakeProvider()
    provider.crash_after_next_send()
    note = queue(case)
    with pytest.raises(Crash):
        run(provider, T0)
    assert stored(case)[note.id].status == "sending"
    run(provider, T0 + timedelta(minutes=1))  # lease still held: nothing
    assert len(provider.sent) == 1
    run(provider, T0 + timedelta(minutes=6))
    assert len(provider.sent) == 2 and stored(case)[note.id].status == "sent"
    assert len(metrics(capsys, "NotificationsResent")) == 1


def test_a_message_whose_sender_dies_twice_is_failed_not_sent_a_third_time(case):
    provider = FakeProvider()
    provider.crash_after_next_send()
    provider.crash_after_next_send()
    note = queue(case)
    for minutes in (0, 6):
        with pytest.raises(Crash):
            run(provider, T0 + timedelta(minutes=minutes))
    run(provider, T0 + timedelta(minutes=12))
    run(provider, T0 + timedelta(minutes=18))
    assert len(provider.sent) == 2
    assert stored(case)[note.id].status == "failed"


def test_sns_and_ses_receive_transactional_sms_and_email(aws):
    ses = boto3.client("ses", region_name="eu-north-1")
    ses.verify_email_identity(EmailAddress="tapaamo@example.org")
    provider = AwsProvider("eu-north-1", "Tapaamo", "tapaamo@example.org")
    message = Message("Muistutus tapaamisesta", "Muistutus: tapaaminen ti 1.12. klo 9.00.")
    assert provider.send("sms", "+358401234567", message)
    assert provider.send("email", "perhe@example.org", message)
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    sms = sns_backends[DEFAULT_ACCOUNT_ID]["eu-north-1"].sms_messages
    assert list(sms.values()) == [("+358401234567", message.body)]
    [email] = ses_backends[DEFAULT_ACCOUNT_ID]["eu-north-1"].sent_messages
    assert email.destinations["ToAddresses"] == ["perhe@example.org"]


def queue_reminder(case, meeting, due):
    note = Notification("reminder", "sms", case.contact.phone, f"reminder:a1:0:{due}",
                        case_id=case.id, not_before=due,
                        params={"start": meeting.isoformat(), "location": "home",
                                "link": "https://t.example/book/x"})
    tx = Transaction()
    outbox.enqueue(tx, note, due - timedelta(days=2))
    tx.commit()
    return note


def every_minute(provider, start, end):
    at = start
    while at <= end:
        run(provider, at)
        at += timedelta(minutes=1)


def test_a_failing_2045_reminder_is_not_retried_at_night_but_at_0800_on_the_dst_night(case):
    # Saturday 24.10.2026; clocks go back at 04:00 the next night.
    note = queue_reminder(case, hki(2026, 10, 25, 10, 0), hki(2026, 10, 24, 20, 45))
    provider = FakeProvider()
    provider.fail_next(4)  # 20:45, 20:46, 20:48, 20:52: the next backoff would be 21:00
    every_minute(provider, hki(2026, 10, 24, 20, 45), hki(2026, 10, 24, 21, 20))
    held = stored(case)[note.id]
    assert (held.status, held.due_at) == ("queued", datetime(2026, 10, 25, 6, 0, tzinfo=UTC))
    run(provider, hki(2026, 10, 25, 3, 30))
    assert provider.sent == []
    run(provider, hki(2026, 10, 25, 8, 0))
    assert [m.body for _, _, m in provider.sent] == [
        "Muistutus: tapaaminen su 25.10. klo 10.00, kotona. Muuta tai peru: "
        "https://t.example/book/x"]


def test_a_reminder_that_could_only_go_out_at_night_fails_visibly(case, capsys, client, token):
    note = queue_reminder(case, hki(2026, 12, 2, 7, 30), hki(2026, 12, 1, 20, 45))
    provider = FakeProvider()
    provider.fail_next(4)
    every_minute(provider, hki(2026, 12, 1, 20, 45), hki(2026, 12, 1, 21, 20))
    run(provider, hki(2026, 12, 2, 7, 0))
    assert provider.sent == []
    [metric] = metrics(capsys, "NotificationsFailed")
    assert metric["Kind"] == "reminder"
    response = client.http.get(f"/notifications?case={case.id}", headers=token())
    [listed] = json.loads(response.body)["notifications"]
    assert (listed["id"], listed["status"], listed["last_error"]) == (
        note.id, "failed",
        "provider down; not sent: quiet hours 21-08 Helsinki last until the meeting")
