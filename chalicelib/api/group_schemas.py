"""Request bodies of the groups API, validated with pydantic (imported where used)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, field_validator

from chalicelib.api.schemas import Id, Instant, Strict
from chalicelib.domain.directory import SERVICES
from chalicelib.domain.groups import MAX_LEADERS, MAX_SESSIONS

MAX_SEATS = 30
MAX_INVITED = 20


def _distinct(ids: list[str] | None) -> list[str] | None:
    if ids is not None and len(set(ids)) != len(ids):
        raise ValueError("ids must be distinct")
    return ids


class GroupIn(Strict):
    """A new group series (``POST /groups``); ``cases``: by invitation only."""

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

    @field_validator("workers", "cases")
    @classmethod
    def _distinct_ids(cls, ids: list[str] | None) -> list[str] | None:
        return _distinct(ids)


class GroupPatch(Strict):
    """``PATCH /groups/{id}``: more or fewer seats, and who may join (``cases``: a list
    of invited cases, or null to open the group to every case of its service)."""

    seats: int | None = Field(default=None, ge=1, le=MAX_SEATS)
    cases: list[Id] | None = Field(default=None, max_length=MAX_INVITED)

    @field_validator("cases")
    @classmethod
    def _distinct_cases(cls, ids: list[str] | None) -> list[str] | None:
        return _distinct(ids)


class SeatCancel(Strict):
    """``POST /book/{token}/groups/{id}/seats/cancel``: ``session`` for a drop-in group."""

    session: Id | None = None


class SeatIn(SeatCancel):
    """``POST /book/{token}/groups/{id}/seats``: with ``waiting_list`` false a full group
    answers 409 instead of a place in line; ``session``: the one session of a drop-in
    group (``per_session``) the seat is for."""

    waiting_list: StrictBool = True
