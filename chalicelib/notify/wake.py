"""Wake-ups for delivery: after a transaction queues notifications, one SQS message names them.

A wake-up is a hint only (docs/architecture.md §5): the ``tapaamo-notifications`` handler delivers
the named messages within seconds, and the minute sweep over the ``due`` index delivers
anything a lost or failed wake-up left behind. So sending one is best effort: a failure
is logged with the ids only and never fails the change that queued the messages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

QUEUE = "tapaamo-notifications"  # infra/template.yaml NotificationQueue

log = logging.getLogger("tapaamo.notify")


class Waker(Protocol):
    def wake(self, note_ids: Sequence[str]) -> None: ...


def message_body(note_ids: Sequence[str]) -> str:
    """The wake-up's body: ``{"notes": [<outbox id>, ...]}`` (ids only, no content)."""
    return json.dumps({"notes": list(note_ids)})


def note_ids_of(body: str) -> list[str]:
    """The outbox ids a wake-up names; none for a body that is not one (logged)."""
    try:
        ids = json.loads(body)["notes"]
    except (ValueError, KeyError, TypeError):
        ids = None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        log.warning("ignoring a wake-up that names no notifications")
        return []
    return ids


def best_effort(waker: Waker, note_ids: Sequence[str]) -> None:
    """Send a wake-up for ``note_ids``; log a failure (ids and error code) and go on."""
    try:
        waker.wake(note_ids)
    except Exception as error:  # noqa: BLE001 - the sweep delivers them; the change stands
        code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
        log.warning("wake-up for notification(s) %s not sent (%s); the sweep delivers them",
                    ",".join(note_ids), code)


class SqsWaker:
    """AWS: one ``SendMessage`` to the queue at ``TAPAAMO_NOTIFICATION_QUEUE_URL``."""

    def __init__(self, queue_url: str, region: str):
        import boto3

        self.queue_url = queue_url
        self.sqs = boto3.client("sqs", region_name=region)

    def wake(self, note_ids: Sequence[str]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=message_body(note_ids))


class QueueWaker:
    """A queue given as its ``send(body)``: locally the spool the local pump feeds to the
    queue handler (bootstrap builds it, so this package knows no local stack)."""

    def __init__(self, send: Callable[[str], None]):
        self.send = send

    def wake(self, note_ids: Sequence[str]) -> None:
        self.send(message_body(note_ids))


class MemoryWaker:
    """Tests: records each wake-up's ids; fails when told to."""

    def __init__(self, failing: bool = False):
        self.woken: list[list[str]] = []
        self.failing = failing

    def wake(self, note_ids: Sequence[str]) -> None:
        if self.failing:
            raise ConnectionError("queue down")
        self.woken.append(list(note_ids))
