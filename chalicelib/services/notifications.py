"""Use cases around the outbox: the minute sweep and the coordinator's listing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.delivery import Delivery
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.notify.delivery import deliver_due
from chalicelib.notify.providers import Provider
from chalicelib.services.reminders import run_reminders
from chalicelib.store import deliveries


def sweep(directory, provider: Provider, now: datetime) -> Counter:
    """Queue due reminders, then deliver every due message; counts by outcome."""
    reminders = run_reminders(directory, now)
    office_names = {office.id: office.name for office in directory.list_offices()}
    outcomes = deliver_due(provider, now, office_names)
    outcomes["reminders_queued"] = reminders
    return outcomes


def list_notifications(directory, actor: Actor, now: datetime, case_id: str | None = None,
                       escalation_id: str | None = None) -> list[Delivery]:
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
