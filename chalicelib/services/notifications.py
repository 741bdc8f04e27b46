"""Use cases around the outbox: the minute sweep and the coordinator's listing.

``deliveries`` is the deliveries repository (``store.deliveries.DynamoDeliveries`` or its
in-memory twin).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.delivery import Delivery
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.notify.delivery import AS_STORED, Dispatch, deliver_due, deliver_now
from chalicelib.notify.providers import Provider
from chalicelib.notify.wake import note_ids_of
from chalicelib.services.message_links import with_family_links
from chalicelib.services.reminders import run_reminders

log = logging.getLogger("tapaamo.notify")


def sweep(directory, deliveries, provider: Provider, now: datetime, public_url: str,
          dispatch: Dispatch = AS_STORED) -> Counter:
    """Queue due reminders, then deliver every due message; counts by outcome.

    ``dispatch`` finishes the kinds that need it at send time (on-call pages); the
    family's links are made from their references under ``public_url``
    (``services/message_links.py``).
    """
    reminders = run_reminders(directory, now)
    outcomes = deliver_due(deliveries, provider, now, _office_names(directory),
                           dispatch=with_family_links(dispatch, public_url))
    outcomes["reminders_queued"] = reminders
    return outcomes


def deliver_woken(directory, deliveries, provider: Provider,
                  wake_ups: Iterable[tuple[str, str]], now: datetime,
                  dispatch: Dispatch = AS_STORED) -> list[str]:
    """Deliver what each wake-up ``(message id, body)`` names; the ids of the wake-ups to
    hand back to the queue (a send to retry). The sweep remains the timer for those."""
    office_names, again = _office_names(directory), []
    for message_id, body in wake_ups:
        try:
            outcomes = deliver_now(deliveries, provider, note_ids_of(body), now,
                                   office_names, dispatch=with_family_links(dispatch))
        except Exception as error:  # noqa: BLE001 - e.g. DynamoDB busy: this one again, go on
            log.warning("wake-up %s not handled (%s)", message_id, type(error).__name__)
            outcomes = Counter(error=1)
        if outcomes["retry"] or outcomes["error"]:
            again.append(message_id)
    return again


def _office_names(directory) -> dict[str, str]:
    return {office.id: office.name for office in directory.list_offices()}


def list_notifications(directory, deliveries, actor: Actor, now: datetime,
                       case_id: str | None = None, escalation_id: str | None = None
                       ) -> list[Delivery]:
    """A case's or an escalation's messages, oldest first (coordinators only; audited)."""
    require_coordinator(actor)
    if bool(case_id) == bool(escalation_id):
        raise Invalid("give exactly one of the query parameters case or escalation",
                      code="missing_parameter")
    if case_id:
        if directory.get_case(case_id) is None:
            raise NotFound("no such case")
        directory.add_audit(case_id, now, actor.label(), "read notifications")
        return deliveries.list_for(f"CASE#{case_id}")
    return deliveries.list_for(f"ESC#{escalation_id}")
