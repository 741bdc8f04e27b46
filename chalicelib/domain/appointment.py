"""An appointment (tapaaminen) of a case and its public view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.workdays import local

KINDS = ("meeting", "initial", "network", "final", "crisis", "group")
# Why staff book a crisis meeting (kriisitapaaminen) outside 07–20: a code, never free text.
AFTER_HOURS_REASONS = ("child_safety", "acute_crisis", "police_request", "placement_urgent")
OUTCOMES = ("held", "no-show", "cancelled-late")


@dataclass(frozen=True)
class Appointment:
    """A booked (or cancelled) meeting of every worker of a case at one place.

    ``sequence`` rises on every change of time, place or status (iCalendar SEQUENCE);
    ``buckets`` are the lock buckets it holds in its workers' calendars; ``outcome`` is
    what staff recorded once it took place (one of :data:`OUTCOMES`), else None. A group
    session (kind ``group``) carries its group's id as ``case_id``.
    """

    id: str
    case_id: str
    workers: tuple[str, ...]
    start: datetime
    end: datetime
    location: str
    place: str
    kind: str
    minutes: int
    status: str
    sequence: int
    created_at: datetime
    updated_at: datetime
    booked_by: str
    buckets: tuple[int, ...]
    rooms: bool = False
    outcome: str | None = None

    @property
    def booked(self) -> bool:
        return self.status == "booked"


def appointment_view(appointment: Appointment) -> dict:
    """The appointment as the API shows it (instants in Helsinki time, ISO 8601)."""
    return {
        "id": appointment.id,
        "case": appointment.case_id,
        "start": local(appointment.start).isoformat(),
        "end": local(appointment.end).isoformat(),
        "location": appointment.location,
        "kind": appointment.kind,
        "status": appointment.status,
        "minutes": appointment.minutes,
        "outcome": appointment.outcome,
    }
