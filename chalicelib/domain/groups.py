"""Peer-support groups (vertaistukiryhmä): a series of sessions with seats for families.

A group is led by one or two workers at one office. Its sessions keep the first
session's Helsinki wall-clock time every ``every_days`` days (so a weekly group meets at
17.00 on both sides of a DST change). A seat is for the whole series; when every seat is
taken a family may join the waiting list, and a freed seat goes to the first in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.directory import Case
from chalicelib.domain.workdays import at_local, local

MAX_SESSIONS = 12  # one DynamoDB transaction holds every session's locks (at most 100 items)
MAX_LEADERS = 2


@dataclass(frozen=True)
class Session:
    """One meeting of a group; its id is the id of its ``group`` appointment."""

    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Group:
    """A group series. ``cases``: by invitation only (else any case of ``service``).

    ``taken`` counts seated families, ``waiting`` the families in line.
    """

    id: str
    service: str
    office: str
    workers: tuple[str, ...]
    minutes: int
    every_days: int
    seats: int
    sessions: tuple[Session, ...]
    cases: tuple[str, ...] | None = None
    taken: int = 0
    waiting: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def seats_left(self) -> int:
        return max(0, self.seats - self.taken)

    @property
    def start(self) -> datetime:
        return self.sessions[0].start

    @property
    def end(self) -> datetime:
        return self.sessions[-1].end


@dataclass(frozen=True)
class Roster:
    """Who holds a seat and who waits, first in line first (staff only)."""

    seated: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()

    def place_of(self, case_id: str) -> str | None:
        """``seated``, ``waiting`` or None for the family of ``case_id``."""
        if case_id in self.seated:
            return "seated"
        return "waiting" if case_id in self.waiting else None

    def position_of(self, case_id: str) -> int | None:
        """1 for the first in line."""
        return self.waiting.index(case_id) + 1 if case_id in self.waiting else None


def session_starts(first: datetime, every_days: int, count: int) -> list[datetime]:
    """The starts of ``count`` sessions, keeping ``first``'s Helsinki wall-clock time.

    >>> from chalicelib.domain.workdays import at_local
    >>> from datetime import date
    >>> [s.isoformat() for s in session_starts(at_local(date(2026, 10, 19), 17), 7, 2)]
    ['2026-10-19T17:00:00+03:00', '2026-10-26T17:00:00+02:00']
    """
    wall = local(first)
    return [at_local(wall.date() + timedelta(days=every_days * n), wall.hour, wall.minute)
            for n in range(count)]


def may_join(group: Group, case: Case) -> bool:
    """An invited case, or for an open group any case of the group's service."""
    if group.cases is not None:
        return case.id in group.cases
    return case.service == group.service


def is_open(group: Group, now: datetime) -> bool:
    """A family may still take or leave a seat until the last session has begun."""
    return now < group.sessions[-1].start
