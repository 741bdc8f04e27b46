"""The delivery sweep over the in-memory deliveries twin: quiet hours, retries, failure."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.notification import Notification
from chalicelib.domain.workdays import HELSINKI
from chalicelib.notify.delivery import deliver_due, deliver_now
from chalicelib.notify.providers import FakeProvider
from chalicelib.store.deliveries import InMemoryDeliveries

PHONE = "+358401234567"


def hki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


class Metrics:
    def __init__(self):
        self.emitted = []

    def __call__(self, name, value, now, **dimensions):
        self.emitted.append((name, value, dimensions))


@pytest.fixture
def store():
    return InMemoryDeliveries()


@pytest.fixture
def provider():
    return FakeProvider()


def reminder(store, meeting: datetime, due: datetime, kind="reminder") -> Notification:
    note = Notification(kind, "sms", PHONE, f"{kind}:a1:0:{due.isoformat()}", case_id="k1",
                        params={"start": meeting.isoformat(), "location": "home",
                                "code": "k1", "link": "https://t.example/book/x"},
                        not_before=due)
    store.add(note, due - timedelta(days=3))
    return note


def sweep_every_minute(store, provider, start: datetime, end: datetime, emit=None) -> None:
    at = start
    while at <= end:
        deliver_due(store, provider, at, {}, emit=emit or Metrics())
        at += timedelta(minutes=1)


def test_a_2045_reminder_that_keeps_failing_is_held_overnight_and_sent_at_0800(store, provider):
    note = reminder(store, hki(2026, 12, 2, 9, 0), hki(2026, 12, 1, 20, 45))
    provider.fail_next(4)  # 20:45, 20:46, 20:48, 20:52; the next try would be 21:00
    sweep_every_minute(store, provider, hki(2026, 12, 1, 20, 45), hki(2026, 12, 2, 7, 59))
    [held] = store.get_many([note.id])
    assert provider.sent == []
    assert (held.status, held.attempts, held.due_at) == ("queued", 4, hki(2026, 12, 2, 8, 0))
    assert "quiet hours" in held.last_error
    deliver_due(store, provider, hki(2026, 12, 2, 8, 0), {})
    assert [recipient for _, recipient, _ in provider.sent] == [PHONE]


def test_a_failing_reminder_for_a_0730_meeting_fails_visibly_rather_than_wake_the_family(
        store, provider):
    metrics = Metrics()
    note = reminder(store, hki(2026, 12, 2, 7, 30), hki(2026, 12, 1, 20, 45))
    provider.fail_next(4)
    sweep_every_minute(store, provider, hki(2026, 12, 1, 20, 45), hki(2026, 12, 2, 7, 29),
                       emit=metrics)
    [failed] = store.get_many([note.id])
    assert provider.sent == []
    assert (failed.status, failed.due_at) == ("failed", None)
    assert failed.last_error == ("provider down; not sent: quiet hours 21-08 Helsinki last "
                                 "until the meeting")
    assert metrics.emitted == [("NotificationsFailed", 1, {"Kind": "reminder"})]


def test_a_reminder_the_sweep_finds_late_at_night_is_held_without_using_an_attempt(
        store, provider):
    note = reminder(store, hki(2026, 10, 25, 10, 0), hki(2026, 10, 24, 20, 45))
    assert deliver_due(store, provider, hki(2026, 10, 25, 2, 30), {})["held"] == 1
    [held] = store.get_many([note.id])
    assert (held.attempts, held.due_at) == (0, hki(2026, 10, 25, 8, 0))
    assert deliver_due(store, provider, hki(2026, 10, 25, 7, 59), {})["held"] == 0
    assert deliver_due(store, provider, hki(2026, 10, 25, 8, 0), {})["sent"] == 1


def test_a_wake_up_at_night_holds_a_family_reminder_too(store, provider):
    note = reminder(store, hki(2026, 12, 2, 9, 0), hki(2026, 12, 1, 20, 45))
    assert deliver_now(store, provider, [note.id], hki(2026, 12, 1, 22, 0), {})["held"] == 1
    assert provider.sent == []


def test_a_workers_reminder_goes_out_at_night_as_asked(store, provider):
    reminder(store, hki(2026, 12, 2, 8, 0), hki(2026, 12, 2, 6, 0), kind="worker-reminder")
    assert deliver_due(store, provider, hki(2026, 12, 2, 6, 0), {})["sent"] == 1
    assert provider.sent[0][2].body == "Muistutus: asiakkuus k1, tapaaminen ke 2.12. klo 8.00, " \
                                       "kotona."


class FlakyMarks(InMemoryDeliveries):
    """The twin, whose writes that record a send time out ``failures`` times first."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def mark_sent(self, claimed, provider_id, now):
        from botocore.exceptions import ReadTimeoutError

        if self.failures:
            self.failures -= 1
            raise ReadTimeoutError(endpoint_url="http://127.0.0.1:1")
        return super().mark_sent(claimed, provider_id, now)


def test_a_send_whose_record_times_out_is_recorded_on_a_retry_and_never_sent_twice(
        provider, monkeypatch):
    store, slept = FlakyMarks(failures=3), []
    monkeypatch.setattr("chalicelib.notify.delivery.time.sleep", slept.append)
    note = reminder(store, hki(2026, 12, 2, 12, 0), hki(2026, 12, 1, 10, 0))
    assert deliver_due(store, provider, hki(2026, 12, 1, 10, 0), {})["sent"] == 1
    assert store.get_many([note.id])[0].status == "sent" and slept == [0.5, 1.0, 2.0]
    deliver_due(store, provider, hki(2026, 12, 1, 11, 0), {})
    assert len(provider.sent) == 1


def test_recording_a_send_gives_up_after_its_patience(provider):
    from botocore.exceptions import ReadTimeoutError

    from chalicelib.notify.delivery import record_sent

    store, slept = FlakyMarks(failures=100), []
    note = reminder(store, hki(2026, 12, 2, 12, 0), hki(2026, 12, 1, 10, 0))
    [seen] = store.get_many([note.id])
    with pytest.raises(ReadTimeoutError):
        record_sent(store, seen, "p1", hki(2026, 12, 1, 10, 0), patience=10,
                    sleep=slept.append)
    assert slept == [0.5, 1.0, 2.0, 4.0]
