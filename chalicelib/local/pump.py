"""The local pump: runs what ``chalice local`` never runs (docs/architecture.md §6).

Every few seconds it calls each ``rate(...)`` ``@app.schedule`` function with a CloudWatch
scheduled event, and each ``cron(...)`` one in the minutes its expression names (every one
once at start, so the demo's daily jobs have run). It feeds each ``@app.on_sqs_message``
handler from its ``LocalQueue`` spool, and each ``@app.on_sns_message`` handler from the
spool named after its topic (e.g. ``inbound-sms`` replies written by
``python -m chalicelib.cli sms-reply``), one SNS notification per message.
Handlers are discovered from the Chalice app object, so a new one needs no change here.
A failing handler is logged and its messages stay for the next round; the pump goes on.
"""

import hashlib
import logging
import threading
import time
import uuid
from datetime import datetime, timezone

from chalice.app import Chalice, ScheduledEventConfig, SNSEventConfig, SQSEventConfig
from chalice.local import LambdaContext

from chalicelib.local.cron import fires_between
from chalicelib.local.queue import LocalMessage, LocalQueue

log = logging.getLogger(__name__)

REGION = "eu-north-1"
ACCOUNT = "000000000000"  # DynamoDB Local and moto accept any account; this one is obviously fake
RETRY_SECONDS = 5.0  # how long a message whose handler failed stays hidden, like a visibility timeout


class Pump:
    """Calls an app's scheduled functions and queue handlers, one round at a time."""

    def __init__(self, app: Chalice, queue: LocalQueue) -> None:
        """Discover the app's event handlers.

        Args:
            app: the Chalice app, with its blueprints registered.
            queue: the spool the app's local SQS twin writes to.
        """
        self._app = app
        self._queue = queue
        self.schedules = [s for s in app.event_sources if isinstance(s, ScheduledEventConfig)]
        self.consumers = [s for s in app.event_sources if isinstance(s, SQSEventConfig)]
        self.subscribers = [s for s in app.event_sources if isinstance(s, SNSEventConfig)]

    def run_schedules(self, now: datetime, since: datetime | None = None) -> None:
        """Call the ``@app.schedule`` functions due, as EventBridge would at ``now``.

        Args:
            now: the round's time.
            since: the previous round's; None calls every function (the first round).
        """
        for schedule in self.schedules:
            if since is None or fires_between(schedule.schedule_expression, since, now):
                self._invoke(schedule.name, scheduled_event(schedule.name, now))

    def drain_queues(self, now: datetime) -> int:
        """Hand every visible spooled message to its handler; return how many were handled."""
        handled = 0
        for consumer in self.consumers:
            name = queue_name(consumer)
            while messages := self._queue.receive(name, consumer.batch_size, now.timestamp()):
                handled += self._deliver(consumer.name, name, messages, now)
        for subscriber in self.subscribers:
            name = spool_name(subscriber)
            # SNS invokes a subscriber with one record per notification.
            while messages := self._queue.receive(name, 1, now.timestamp()):
                event = sns_event(subscriber.topic, messages[0])
                handled += self._settle(name, messages, self._invoke(subscriber.name, event), now)
        return handled

    def _deliver(self, function_name: str, name: str, messages: list[LocalMessage], now: datetime) -> int:
        """Deliver one batch; delete what was handled, hide what failed for a while."""
        return self._settle(name, messages, self._invoke(function_name, sqs_event(name, messages)), now)

    def _settle(self, name: str, messages: list[LocalMessage], failed: set[str] | None,
                now: datetime) -> int:
        handled = 0
        for message in messages:
            if failed is None or message.message_id in failed:
                self._queue.postpone(name, message.message_id, RETRY_SECONDS, now.timestamp())
            else:
                self._queue.delete(name, message.message_id)
                handled += 1
        return handled

    def run(self, stop: threading.Event, schedule_seconds: float = 5.0, poll_seconds: float = 0.5) -> None:
        """Pump until ``stop`` is set: queues every ``poll_seconds``, schedules every ``schedule_seconds``."""
        next_schedule, last_round = 0.0, None
        while not stop.is_set():
            now = datetime.now(timezone.utc)
            try:
                if time.monotonic() >= next_schedule:
                    next_schedule = time.monotonic() + schedule_seconds
                    self.run_schedules(now, since=last_round)
                    last_round = now
                self.drain_queues(now)
            except Exception:  # noqa: BLE001 - e.g. an unreadable spool file: say so, keep pumping
                log.exception("local pump: round failed")
            stop.wait(poll_seconds)

    def _invoke(self, function_name: str, event: dict) -> set[str] | None:
        """Call one handler; return the ids of messages it reported failed, None if it raised."""
        context = LambdaContext(function_name, memory_size=128, max_runtime_ms=60_000)
        try:
            result = self._app.handler_map[function_name](event, context)
        except Exception:  # noqa: BLE001 - a handler's bug must not stop the pump; it is retried
            log.exception("local pump: %s failed; will retry", function_name)
            return None
        # SQS ReportBatchItemFailures: only the listed messages are delivered again.
        failures = (result or {}).get("batchItemFailures", []) if isinstance(result, dict) else []
        return {failure["itemIdentifier"] for failure in failures}


def queue_name(consumer: SQSEventConfig) -> str:
    """The queue a handler consumes: its ``queue`` name, or the last part of its ``queue_arn``."""
    return consumer.queue or consumer.queue_arn.rsplit(":", 1)[-1]


def spool_name(subscriber: SNSEventConfig) -> str:
    """The spool an SNS subscriber is fed from: the topic's name (the end of an ARN) with
    a ``tapaamo-`` prefix left off, e.g. ``inbound-sms``."""
    return subscriber.topic.rsplit(":", 1)[-1].removeprefix("tapaamo-")


def sns_event(topic: str, message: LocalMessage) -> dict:
    """An SNS notification as Lambda delivers it to a subscriber."""
    arn = topic if topic.startswith("arn:") else f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}"
    sent = datetime.fromtimestamp(message.sent_at, timezone.utc)
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": f"{arn}:{message.message_id}",
        "Sns": {"Type": "Notification", "MessageId": message.message_id, "TopicArn": arn,
                "Subject": None, "Message": message.body,
                "Timestamp": sent.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "MessageAttributes": {}}}]}


def scheduled_event(rule_name: str, now: datetime) -> dict:
    """An EventBridge "Scheduled Event" for ``rule_name`` fired at ``now``."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule_name}"],
        "detail": {},
    }


def sqs_event(name: str, messages: list[LocalMessage]) -> dict:
    """An SQS event as Lambda delivers it, one record per spooled message."""
    return {"Records": [_sqs_record(name, message) for message in messages]}


def _sqs_record(name: str, message: LocalMessage) -> dict:
    sent_ms = str(int(message.sent_at * 1000))
    return {
        "messageId": message.message_id,
        "receiptHandle": message.message_id,
        "body": message.body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": sent_ms,
            "SenderId": ACCOUNT,
            "ApproximateFirstReceiveTimestamp": sent_ms,
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(message.body.encode("utf-8")).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
        "awsRegion": REGION,
    }
