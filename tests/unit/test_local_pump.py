"""The local pump finds an app's scheduled functions and queue handlers and feeds them."""

import threading
import time
from datetime import datetime, timezone

from chalice import Blueprint, Chalice, Rate

from chalicelib.local.pump import Pump
from chalicelib.local.queue import LocalQueue

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)


def make_app(calls: list, fail_bodies: frozenset = frozenset(), raise_on: frozenset = frozenset()) -> Chalice:
    """An app like Tapaamo's: one handler on the app, the others in a blueprint."""
    app = Chalice(app_name="pump-test")
    bp = Blueprint(__name__)

    @app.schedule(Rate(1, unit=Rate.MINUTES))
    def every_minute(event):
        calls.append(("every_minute", event.to_dict()["detail-type"], event.time, event.resources))

    @bp.schedule("cron(0 6 * * ? *)")
    def every_morning(event):
        calls.append(("every_morning", event.time))

    @bp.on_sqs_message(queue="notifications", batch_size=2)
    def deliver(event):
        records = list(event)
        calls.append(("deliver", [r.body for r in records]))
        if any(r.body in raise_on for r in records):
            raise RuntimeError("provider down")
        failed = [r.to_dict()["messageId"] for r in records if r.body in fail_bodies]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}

    app.register_blueprint(bp)
    return app


def test_every_schedule_of_app_and_blueprints_is_called_with_a_scheduled_event(tmp_path):
    calls = []
    pump = Pump(make_app(calls), LocalQueue(tmp_path))

    pump.run_schedules(NOW)

    assert sorted(c[0] for c in calls) == ["every_minute", "every_morning"]
    minute = next(c for c in calls if c[0] == "every_minute")
    assert minute[1] == "Scheduled Event"
    assert minute[2] == "2026-03-29T01:30:00Z"
    assert minute[3] == ["arn:aws:events:eu-north-1:000000000000:rule/every_minute"]


def test_spooled_messages_reach_their_handler_in_batches_and_are_deleted(tmp_path):
    calls, queue = [], LocalQueue(tmp_path)
    for body in ("a", "b", "c"):
        queue.send("notifications", body, now=NOW.timestamp() - 10)

    handled = Pump(make_app(calls), queue).drain_queues(NOW)

    assert handled == 3
    assert calls == [("deliver", ["a", "b"]), ("deliver", ["c"])]
    assert queue.receive("notifications", 10, now=NOW.timestamp()) == []


def test_only_messages_a_handler_reports_failed_are_kept_for_a_retry(tmp_path):
    calls, queue = [], LocalQueue(tmp_path)
    queue.send("notifications", "ok", now=NOW.timestamp() - 10)
    queue.send("notifications", "bad", now=NOW.timestamp() - 9)

    Pump(make_app(calls, fail_bodies=frozenset({"bad"})), queue).drain_queues(NOW)

    assert queue.receive("notifications", 10, now=NOW.timestamp()) == []  # hidden for a while
    assert [m.body for m in queue.receive("notifications", 10, now=NOW.timestamp() + 60)] == ["bad"]


def test_a_handler_that_raises_keeps_its_batch_and_the_pump_goes_on(tmp_path):
    calls, queue = [], LocalQueue(tmp_path)
    queue.send("notifications", "boom", now=NOW.timestamp() - 10)
    pump = Pump(make_app(calls, raise_on=frozenset({"boom"})), queue)

    assert pump.drain_queues(NOW) == 0
    pump.run_schedules(NOW)  # still alive

    assert [m.body for m in queue.receive("notifications", 10, now=NOW.timestamp() + 60)] == ["boom"]
    assert ("deliver", ["boom"]) in calls and any(c[0] == "every_minute" for c in calls)


def test_a_message_sent_later_than_the_round_waits_for_the_next_round(tmp_path):
    calls, queue = [], LocalQueue(tmp_path)
    queue.send("notifications", "future", now=NOW.timestamp() + 1)

    assert Pump(make_app(calls), queue).drain_queues(NOW) == 0
    assert calls == []


def test_an_unreadable_spool_file_is_logged_and_the_pump_keeps_running(tmp_path, caplog):
    calls = []
    broken = tmp_path / "queue" / "notifications" / "00000000000000000000-broken.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    pump, stop = Pump(make_app(calls), LocalQueue(tmp_path)), threading.Event()
    thread = threading.Thread(target=pump.run, args=(stop, 0.0, 0.01))

    thread.start()
    time.sleep(0.3)
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert sum(1 for c in calls if c[0] == "every_minute") > 1
    assert "local pump: round failed" in caplog.text


def test_after_the_first_round_a_cron_schedule_runs_only_in_its_minute(tmp_path):
    calls = []
    pump = Pump(make_app(calls), LocalQueue(tmp_path))
    morning = datetime(2026, 3, 30, 6, 0, 2, tzinfo=timezone.utc)

    pump.run_schedules(morning.replace(hour=5, minute=59, second=55),
                       since=morning.replace(hour=5, minute=59, second=50))
    assert [c[0] for c in calls] == ["every_minute"]
    pump.run_schedules(morning, since=morning.replace(hour=5, minute=59, second=57))
    assert [c[0] for c in calls] == ["every_minute", "every_minute", "every_morning"]
    pump.run_schedules(morning.replace(second=7), since=morning)  # same minute: not again
    assert [c[0] for c in calls].count("every_morning") == 1


def test_an_sns_subscriber_gets_each_spooled_message_as_one_notification_and_a_failure_stays(
        tmp_path):
    calls, queue = [], LocalQueue(tmp_path)
    app = Chalice(app_name="pump-sns-test")

    @app.on_sns_message(topic="tapaamo-inbound-sms")
    def inbound(event):
        calls.append((event.message, event.to_dict()["Records"][0]["Sns"]["TopicArn"]))
        if event.message == "bad":
            raise RuntimeError("store down")

    for body in ('{"messageBody": "OK"}', "bad"):
        queue.send("inbound-sms", body, now=NOW.timestamp() - 10)

    handled = Pump(app, queue).drain_queues(NOW)

    assert handled == 1
    assert calls == [('{"messageBody": "OK"}',
                      "arn:aws:sns:eu-north-1:000000000000:tapaamo-inbound-sms"),
                     ("bad", "arn:aws:sns:eu-north-1:000000000000:tapaamo-inbound-sms")]
    assert [m.body for m in queue.receive("inbound-sms", 10, NOW.timestamp() + 60)] == ["bad"]
