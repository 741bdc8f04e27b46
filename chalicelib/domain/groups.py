"""Peer-support groups (vertaistukiryhmä): a series of sessions with seats for families.

A group is led by one or two workers at one office. Its sessions keep the first
session's Helsinki wall-clock time every ``every_days`` days (so a weekly group meets at
17.00 on both sides of a DST change). A seat is for the whole series; when every seat is
taken a family may join the waiting list, and a freed seat goes to the first in line.
A drop-in group (``per_session``) has seats per session instead: a family takes a seat
for one session at a time, each session fills on its own, and a full session has no line
(its seats are first come, first served).
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
    """One meeting of a group; its id is the id of its ``group`` appointment. ``taken``:
    seats held for this session alone (a drop-in group only)."""

    id: str
    start: datetime
    end: datetime
    taken: int = 0


@dataclass(frozen=True)
class Group:
    """A group series. ``cases``: by invitation only (else any case of ``service``).

    ``taken`` counts families seated for the series, ``waiting`` the families in line;
    ``per_session``: seats are taken per session (``Session.taken``).
    ``worker_reminders``: hours before each session its leaders are reminded.
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
    per_session: bool = False
    worker_reminders: tuple[float, ...] = ()

    @property
    def seats_left(self) -> int:
        """Seats left for the series; in a drop-in group, the most any session has left."""
        if self.per_session:
            return max(self.seats_left_in(s) for s in self.sessions)
        return max(0, self.seats - self.taken)

    def seats_left_in(self, session: Session) -> int:
        """Seats left in one ``session`` (the series' seats, unless drop-in)."""
        if not self.per_session:
            return max(0, self.seats - self.taken)
        return max(0, self.seats - session.taken)

    @property
    def most_taken(self) -> int:
        """The most seats held in any one session: seats may not drop below it."""
        return max((s.taken for s in self.sessions), default=0) if self.per_session \
            else self.taken

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @property
    def start(self) -> datetime:
        return self.sessions[0].start

    @property
    def end(self) -> datetime:
        return self.sessions[-1].end


@dataclass(frozen=True)
class Roster:
    """Who holds a seat and who waits, first in line first (staff only). ``by_session``:
    (session id, case id) of the seats a drop-in group's families hold."""

    seated: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    by_session: tuple[tuple[str, str], ...] = ()

    def seated_in(self, session_id: str) -> tuple[str, ...]:
        """The cases seated in one session: the series' families and that session's."""
        return self.seated + tuple(c for s, c in self.by_session if s == session_id)

    def place_of(self, case_id: str, session_id: str | None = None) -> str | None:
        """``seated``, ``waiting`` or None for the family of ``case_id`` (in the series,
        or with ``session_id`` in that session of a drop-in group)."""
        if session_id is not None:
            return "seated" if (session_id, case_id) in self.by_session else None
        if case_id in self.seated:
            return "seated"
        return "waiting" if case_id in self.waiting else None

    def position_of(self, case_id: str) -> int | None:
        """1 for the first in line."""
        return self.waiting.index(case_id) + 1 if case_id in self.waiting else None


def is_group_id(parent_id: str) -> bool:
    """Whether an appointment's case id is a group's (a group session's)."""
    return parent_id.startswith("g")


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
