"""Request bodies of the groups API, validated with pydantic (imported where used)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, field_validator

from chalicelib.api.schemas import Hours, Id, Instant, Strict, hours_before
from chalicelib.domain.directory import SERVICES
from chalicelib.domain.groups import MAX_LEADERS, MAX_SESSIONS

MAX_SEATS = 30
MAX_INVITED = 20


def _distinct(ids: list[str] | None) -> list[str] | None:
    if ids is not None and len(set(ids)) != len(ids):
        raise ValueError("ids must be distinct")
    return ids


class GroupIn(Strict):
    """A new group series (``POST /groups``); ``cases``: by invitation only;
    ``worker_reminders``: hours before each session its leaders are reminded."""

    service: Literal[SERVICES]
    office: Id
    workers: list[Id] = Field(min_length=1, max_length=MAX_LEADERS)
    start: Instant
    minutes: int = Field(default=90, ge=30, le=240)
    sessions: int = Field(ge=1, le=MAX_SESSIONS)
    every_days: int = Field(default=7, ge=1, le=28)
    seats: int = Field(ge=1, le=MAX_SEATS)
    cases: list[Id] | None = Field(default=None, max_length=MAX_INVITED)
    per_session: StrictBool = False
    worker_reminders: list[Hours] = Field(default_factory=list, max_length=5)

    @field_validator("workers", "cases")
    @classmethod
    def _distinct_ids(cls, ids: list[str] | None) -> list[str] | None:
        return _distinct(ids)

    @field_validator("worker_reminders")
    @classmethod
    def _hours_before(cls, hours):
        return hours_before(hours)


class SessionMove(Strict):
    """A session ahead and its new start."""

    id: Id
    start: Instant


class GroupPatch(Strict):
    """``PATCH /groups/{id}``: more or fewer seats, who may join (``cases``: a list of
    invited cases, or null to open the group to every case of its service), new starts
    for sessions ahead, and new leaders or office for every session ahead."""

    seats: int | None = Field(default=None, ge=1, le=MAX_SEATS)
    cases: list[Id] | None = Field(default=None, max_length=MAX_INVITED)
    sessions: list[SessionMove] | None = Field(default=None, min_length=1,
                                               max_length=MAX_SESSIONS)
    workers: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_LEADERS)
    office: Id | None = None

    @field_validator("cases", "workers")
    @classmethod
    def _distinct_ids(cls, ids: list[str] | None) -> list[str] | None:
        return _distinct(ids)

    @field_validator("sessions")
    @classmethod
    def _distinct_sessions(cls, moves: list[SessionMove] | None) -> list[SessionMove] | None:
        _distinct([m.id for m in moves] if moves is not None else None)
        return moves


class SeatCancel(Strict):
    """``POST /book/{token}/groups/{id}/seats/cancel``: ``session`` for a drop-in group."""

    session: Id | None = None


class SeatIn(SeatCancel):
    """``POST /book/{token}/groups/{id}/seats``: with ``waiting_list`` false a full group
    answers 409 instead of a place in line; ``session``: the one session of a drop-in
    group (``per_session``) the seat is for."""

    waiting_list: StrictBool = True
