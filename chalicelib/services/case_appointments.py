"""A case's appointments as the family's routes read them: the family's list, and the key
that finds one of its own appointments with the link (one round trip each). A worker
opening an appointment: ``services/appointment_access.py``."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.store import appointments as store


def listed(case_id: str, since: datetime) -> list[Appointment]:
    """The case's appointments starting at or after ``since``, by start."""
    return store.case_appointments(case_id, since)


def appointment_keys(appointment_id: str | None) -> list[tuple[str, str]]:
    """What to read with a link to find its own appointment ``appointment_id`` (if any)."""
    return [store.appointment_key(appointment_id)] if appointment_id else []
