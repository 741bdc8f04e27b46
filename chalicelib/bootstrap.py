"""The one wiring module: builds the real collaborators from the environment.

Views call :func:`wiring` per request. It is cheap after the first call and rebuilds
only when the settings change (tests switch tables and endpoints between cases).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from chalicelib.config import Settings, load_settings
from chalicelib.notify import wake
from chalicelib.notify.providers import AwsProvider, LocalSink, Provider
from chalicelib.services import oncall
from chalicelib.services.offices import OfficeNames
from chalicelib.store import table, tx
from chalicelib.store.agenda import DynamoAgenda
from chalicelib.store.busy import DynamoBusySources
from chalicelib.store.deliveries import DynamoDeliveries
from chalicelib.store.directory import DynamoDirectory
from chalicelib.store.escalations import DynamoEscalations
from chalicelib.store.oncall import DynamoRotaStore
from chalicelib.store.rate_limits import DynamoRateLimits
from chalicelib.store.reviews import DynamoReviews
from chalicelib.store.shared import SharedItems
from chalicelib.store.staff_sessions import DynamoSessions

if TYPE_CHECKING:
    from chalicelib.services.feeds import EventSource


# botocore's and PynamoDB's DEBUG records quote whole request and response bodies (names, phones,
# messages: docs/domain.md §5); they are dropped even when someone turns DEBUG on.
WIRE_LOGGERS = ("botocore.endpoint", "botocore.parsers", "botocore.awsrequest",
                "pynamodb.connection.base")


def _no_wire_bodies(record: logging.LogRecord) -> bool:
    return record.levelno > logging.DEBUG


for _name in WIRE_LOGGERS:
    logging.getLogger(_name).addFilter(_no_wire_bodies)


@dataclass(frozen=True)
class Wiring:
    settings: Settings
    directory: DynamoDirectory
    rota: DynamoRotaStore
    escalations: DynamoEscalations
    notifier: Provider
    reviews: DynamoReviews
    agenda: DynamoAgenda = field(default_factory=DynamoAgenda)
    busy_sources: DynamoBusySources = field(default_factory=DynamoBusySources)
    deliveries: DynamoDeliveries = field(default_factory=DynamoDeliveries)
    rate_limits: DynamoRateLimits = field(default_factory=DynamoRateLimits)
    office_names: OfficeNames | None = None
    # What a worker's feed shows besides appointments; one line per source, e.g.
    # ``oncall.shift_events()`` (review deadlines come with the agenda Query).
    feed_sources: tuple[EventSource, ...] = ()
    # The container's copies of small shared items (office names, the rota): one round
    # trip reads those a request needs and has no young enough copy of.
    shared: SharedItems = field(default_factory=SharedItems)
    # Console sessions that were signed out (the cookie alone cannot be recalled).
    sessions: DynamoSessions = field(default_factory=DynamoSessions)


_current: Wiring | None = None


def wiring() -> Wiring:
    """The collaborators for the current settings."""
    global _current
    settings = load_settings()
    if _current is None or _current.settings != settings:
        table.configure(settings.table, settings.region, settings.ddb_endpoint,
                        settings.ddb_read_timeout, settings.ddb_attempts)
        tx.on_outbox_commit(partial(wake.best_effort, waker(settings)))
        directory, rota = DynamoDirectory(), DynamoRotaStore()
        _current = Wiring(settings=settings, directory=directory, notifier=notifier(settings),
                          reviews=DynamoReviews(), office_names=OfficeNames(directory),
                          rota=rota, escalations=DynamoEscalations(),
                          feed_sources=(oncall.shift_events(),))
    return _current


def notifier(settings: Settings) -> Provider:
    """SNS/SES in AWS; locally the terminal and ``<local dir>/notifications.log``."""
    if settings.is_local:
        return LocalSink(settings.local_dir)
    return AwsProvider(settings.region, settings.sms_sender_id, settings.email_sender)


def waker(settings: Settings) -> wake.Waker:
    """SQS in AWS; locally the spool the local pump feeds to the queue handler."""
    if settings.is_local:
        from chalicelib.local.queue import LocalQueue

        return wake.QueueWaker(partial(LocalQueue(settings.local_dir).send, wake.QUEUE))
    return wake.SqsWaker(settings.notification_queue_url, settings.region)


def escalator():
    """The escalation use cases over the current wiring."""
    from chalicelib.services.escalations import Escalator

    current = wiring()
    return Escalator(current.escalations, current.rota, current.settings)


def escalation_desk():
    """The staff side of escalations (scoped reads and acts) over the current wiring."""
    from chalicelib.services.escalation_views import EscalationDesk

    return EscalationDesk(escalator(), wiring().directory)


def phone_replies():
    """Acknowledging and resolving pages by SMS reply or keypad, over the current wiring."""
    from chalicelib.services.phone_replies import PhoneReplies

    return PhoneReplies(escalator(), wiring().rota)


def dispatch():
    """What the delivery sweep does around a send (on-call pages: link, drop, timer)."""
    from chalicelib.services.escalation_pages import PageDispatch

    return PageDispatch(escalator(), wiring().settings.public_url)


def now() -> datetime:
    """The clock, read once per request at the edge and passed inward."""
    return datetime.now(UTC)


def busy_reader(settings: Settings):
    """``read(source, span)`` for busy sources: the fetch guard of the stage, CalDAV
    passwords by reference, and Graph when its app credentials are configured."""
    from chalicelib.sources import readers
    from chalicelib.sources.graph import GraphApp
    from chalicelib.sources.guard import Policy

    graph = None
    if settings.graph_tenant and settings.graph_client_id and settings.graph_client_secret:
        graph = GraphApp(settings.graph_tenant, settings.graph_client_id,
                         settings.graph_client_secret, settings.graph_url,
                         settings.graph_login_url)
    access = readers.SourceAccess(Policy(local=settings.is_local, ca_file=settings.source_ca_file),
                                  partial(stored_secret, settings), graph)
    return partial(readers.read, access=access)


def stored_secret(settings: Settings, ref: str) -> str | None:
    """A CalDAV password by its reference: SSM ``<parameter path>/caldav/<ref>`` in a
    deployed stage, ``<local dir>/secrets.json`` locally."""
    if settings.parameter_path:
        from chalicelib import secrets

        return secrets.parameters(settings.parameter_path, settings.region).get(f"caldav/{ref}")
    import json

    path = settings.local_dir / "secrets.json"
    return json.loads(path.read_text()).get(ref) if path.exists() else None


def busy_sync_sender(settings: Settings):
    """``send(body)`` of on-demand busy syncs: SQS in AWS, the local pump's spool locally."""
    from chalicelib.services.busy import QUEUE

    if settings.is_local:
        from chalicelib.local.queue import LocalQueue

        return partial(LocalQueue(settings.local_dir).send, QUEUE)

    import boto3

    sqs = boto3.client("sqs", region_name=settings.region)
    return lambda body: sqs.send_message(QueueUrl=settings.busy_queue_url, MessageBody=body)
