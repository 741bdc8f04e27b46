"""What the console's case page shows, gathered in one use case (one audited read).

The case itself is read through :func:`directory.read_case`, which writes
``console.case.read`` to its audit trail; the rest (workers, offices, appointments,
reviews, and for a coordinator the messages sent) is read with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor
from chalicelib.domain.appointment import Appointment
from chalicelib.domain.delivery import Delivery
from chalicelib.domain.directory import PLACE_KINDS, Case, Office, Worker
from chalicelib.domain.reviews import ReviewDue
from chalicelib.services.directory import read_case
from chalicelib.services.reviews import sync_case
from chalicelib.store.appointments import case_appointments

HISTORY = timedelta(days=365)


@dataclass(frozen=True)
class CasePage:
    case: Case
    workers: dict[str, Worker]
    offices: dict[str, Office]
    upcoming: tuple[Appointment, ...]
    past: tuple[Appointment, ...]
    reviews: tuple[ReviewDue, ...]
    notifications: tuple[Delivery, ...] | None  # None: not the actor's to see


def case_page(wiring, actor: Actor, case_id: str, now: datetime) -> CasePage:
    """The case page's data; 404 for a case the actor may not see (as the API answers)."""
    case = read_case(wiring.directory, actor, case_id, now, action="console.case.read")
    people = [*case.workers, *([case.social_worker] if case.social_worker else [])]
    appointments = case_appointments(case.id, now - HISTORY)
    places = {*case.locations, *(a.location for a in appointments)} - set(PLACE_KINDS)
    notes = (tuple(wiring.deliveries.list_for(f"CASE#{case.id}"))
             if actor.is_coordinator else None)
    return CasePage(
        case=case, workers=wiring.directory.get_workers(people),
        offices=wiring.directory.get_offices(places) if places else {},
        upcoming=tuple(a for a in appointments if a.end > now),
        past=tuple(reversed([a for a in appointments if a.end <= now])),
        reviews=tuple(sync_case(wiring.reviews, case, now)), notifications=notes)
