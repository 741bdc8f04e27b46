"""The directory: offices, workers and family cases (asiakkuudet) as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from chalicelib.domain.errors import Rejected

SERVICES = (
    "tehostettu-perhetyo",
    "perhetyo",
    "korjaava-perhetyo",
    "tukihenkilotoiminta",
    "palvelutarpeen-arviointi",
)
PLACE_KINDS = ("home", "daycare", "school", "placement")
LANGUAGES = ("fi", "sv", "en")
WORKER_ROLES = ("instructor", "support-person", "social-worker", "on-call", "coordinator")
CHANNELS = ("sms", "email")


@dataclass(frozen=True)
class Office:
    """A team office (toimipiste) with a number of meeting rooms.

    ``name_sv`` is the office's Swedish name (Kallio is Berghäll), shown to families who
    read Swedish; without one they see ``name``.
    """

    id: str
    name: str
    address: str
    rooms: int
    name_sv: str | None = None

    def name_in(self, language: str) -> str:
        """The office's name as a reader of ``language`` knows it.

        >>> Office("kallio", "Kallio", "", 1, "Berghäll").name_in("sv")
        'Berghäll'
        """
        return self.name_sv if language == "sv" and self.name_sv else self.name


@dataclass(frozen=True)
class Worker:
    """A member of staff: social instructor, social worker, on-call worker.

    ``language``: the one their notices are written in (fi, sv, en).
    """

    id: str
    name: str
    email: str | None
    phone: str | None
    office: str | None
    roles: tuple[str, ...]
    language: str = "fi"

    @property
    def first_name(self) -> str:
        """What a family calls the worker (their own page only: never in SMS or feeds).

        >>> Worker("w-1", "Aino Maria Virtanen", None, None, None, ()).first_name
        'Aino'
        """
        return next(iter(self.name.split()), "")


@dataclass(frozen=True)
class Contact:
    """How the family is reached; phone in E.164.

    ``channels`` is what the family asked for (e.g. ``("sms", "email")``); None means one
    message per event: SMS when there is a phone, else e-mail.
    """

    phone: str | None
    email: str | None
    language: str = "fi"
    channels: tuple[str, ...] | None = None

    def address(self, channel: str) -> str | None:
        """The phone number (``sms``) or e-mail address (``email``), if the family gave one."""
        return self.phone if channel == "sms" else self.email

    def destinations(self) -> list[tuple[str, str]]:
        """Where one family message goes: ``[(channel, recipient), …]`` (empty: nowhere).

        >>> Contact("+358401234567", "a@example.fi").destinations()
        [('sms', '+358401234567')]
        >>> Contact("+358401234567", "a@example.fi", channels=("sms", "email")).destinations()
        [('sms', '+358401234567'), ('email', 'a@example.fi')]
        """
        wanted = self.channels or [c for c in CHANNELS if self.address(c)][:1]
        return [(c, self.address(c)) for c in wanted if self.address(c)]


@dataclass(frozen=True)
class Case:
    """A family's service: who works with them, where, and how often.

    ``link_epoch`` invalidates every booking link issued before it was raised (revoke all).
    ``reminders`` and ``worker_reminders`` are hours before a meeting at which the family
    and its workers are reminded (workers: none unless set); both are copied onto an
    appointment when it is booked, so a change applies to appointments booked after it.
    """

    id: str
    service: str
    workers: tuple[str, ...]
    start_date: date
    meeting_minutes: int
    meetings_per_week: int
    locations: tuple[str, ...]
    contact: Contact
    social_worker: str | None = None
    reminders: tuple[int | Decimal, ...] = (24,)
    worker_reminders: tuple[int | Decimal, ...] = ()
    link_epoch: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0


def place_identity(case_id: str, location: str) -> str:
    """Which physical place a location is, for the travel buffer.

    Offices are shared by every case; a family's home, daycare, school or placement is
    that family's own, so two families' homes are different places.

    >>> place_identity("k1", "home"), place_identity("k1", "kallio")
    ('home:k1', 'office:kallio')
    """
    return f"{location}:{case_id}" if location in PLACE_KINDS else f"office:{location}"


def check_start_date(start: date, today: date) -> None:
    """A case starts at most a year ahead: a later date is a typo, and its review
    deadlines would run past the century the calendar arithmetic covers.

    Raises:
        Rejected: (422 ``invalid_value``, field ``start_date``) when it is further ahead.
    """
    if start > today + timedelta(days=366):
        raise Rejected("start_date must be at most a year from today", code="invalid_value",
                       field="start_date")
