"""Client feedback (asiakaspalaute): each service's survey link, sent to a family once when
its final meeting (kind ``final``) is recorded held.

The link is the survey's own address as the coordinator set it for the service (at most a
per-service code in it): nothing in it tells who answers.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import SERVICES, Case
from chalicelib.domain.errors import NotFound, Rejected
from chalicelib.domain.notification import Notification
from chalicelib.store import feedback as store
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction

MAX_URL = 500


def survey_url(value) -> str:
    """A survey address: ``https://host/...``, no credentials, no spaces, ≤ 500 characters.

    Raises:
        Rejected: 422 ``invalid_value`` naming ``url``.
    """
    parts = urlsplit(value) if isinstance(value, str) and len(value) <= MAX_URL else None
    if (parts is None or parts.scheme != "https" or not parts.hostname or "@" in parts.netloc
            or any(c.isspace() or ord(c) < 32 for c in value)):
        raise Rejected("url: an https address of at most 500 characters", code="invalid_value",
                       field="url")
    return value


def set_survey(actor: Actor, service: str, url, now: datetime) -> dict:
    """Set the feedback survey of ``service`` (coordinators) → ``{service, url}``."""
    require_coordinator(actor)
    if service not in SERVICES:
        raise NotFound("no such service")
    checked = survey_url(url)
    store.put_survey(service, checked, actor.label(), now)
    return {"service": service, "url": checked}


def feedback_keys(case: Case) -> list[tuple[str, str]]:
    """What :func:`queue_feedback` needs read (consistently) before the transaction."""
    return [store.survey_key(case.service), store.sent_key(case.id)]


def queue_feedback(tx: Transaction, case: Case, appointment: Appointment, items: dict,
                   now: datetime) -> bool:
    """Add the family's feedback message to ``tx`` when ``appointment`` is its final
    meeting held, the service has a survey and none was sent; True when added.

    One message per family, in its language: by default an SMS when it has a phone, else
    an e-mail, which shows the link as a QR code too; a family that asked for both
    channels gets the e-mail alone (see :func:`one_destination`).
    """
    url = store.url_of(items, store.survey_key(case.service))
    destinations = one_destination(case.contact.destinations())
    if (appointment.kind != "final" or appointment.outcome != "held" or url is None
            or not destinations or store.sent_key(case.id) in items):
        return False
    store.mark_sent(tx, case.id, url, appointment.id, now)
    for channel, recipient in destinations:
        enqueue(tx, Notification("feedback", channel, recipient, dedupe_key=f"feedback:{case.id}",
                                 language=case.contact.language, params={"link": url},
                                 case_id=case.id), now)
    return True


def sent_keys(case_id: str) -> list[tuple[str, str]]:
    """What to read with a link for :func:`sent_survey`."""
    return [store.sent_key(case_id)]


def one_destination(destinations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The one place the survey goes ("one SMS or e-mail"): of the family's channels, the
    e-mail when it is one of them (only the e-mail carries the QR code), else the SMS.

    >>> one_destination([("sms", "+358401234567"), ("email", "a@example.fi")])
    [('email', 'a@example.fi')]
    """
    return ([d for d in destinations if d[0] == "email"] or destinations)[:1]


def sent_survey(items: dict, case: Case) -> str | None:
    """The survey link the family was sent (read with ``sent_key``), for its page."""
    return store.url_of(items, store.sent_key(case.id))
