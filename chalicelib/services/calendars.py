"""The console's calendars: a worker's week beside their pair's, the team's two-week grid,
and "who is free" (a pair, a length, a place → the first free times).

The free times come from the family page's own slot engine (``booking.slots`` for a case,
``availability.free_slots`` for an ad-hoc pair), never a second copy of its rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.access import Actor, require_self_or_coordinator
from chalicelib.domain.availability import free_slots
from chalicelib.domain.diary import PlaceOption, Slot, WorkerDiary
from chalicelib.domain.directory import PLACE_KINDS, Case, Worker, place_identity
from chalicelib.domain.errors import NotFound, Rejected
from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.intervals import Interval
from chalicelib.domain.oncall import Shift, shifts_of
from chalicelib.domain.review_state import Deadline
from chalicelib.domain.week import DayLoad, day_loads, days_from
from chalicelib.domain.workdays import at_local
from chalicelib.services import booking
from chalicelib.services import directory as use
from chalicelib.store import calendar
from chalicelib.store.directory_items import office_from_plain, office_key
from chalicelib.store.tx import batch_get
from chalicelib.store.week_calendars import absence_reasons, read_diaries

TEAM_DAYS = 14
FREE_SHOWN = 8
CASES_READ = 50  # a worker's own cases: one page is plenty


@dataclass(frozen=True)
class WeekPage:
    """One worker's week (Monday ``monday``) and, with a case, their pair's beside it.

    Attributes:
        appointments: the worker's booked appointments that week.
        absences: (time, reason code) of the worker's absences.
        extra_hours: opened evening/weekend time.
        shifts: on-call shifts.
        deadlines: open review deadlines due that week.
        case: the pair's case shown beside (None: the worker has none).
        cases: the worker's cases (to choose the pair's case).
        partner: the other worker of the case's pair (None: a single worker).
        partner_diary: their appointments, absences and synced busy times.
        slots: the free slots the case's family would see on its page that week.
    """

    worker_id: str
    monday: date
    appointments: tuple[AgendaEntry, ...]
    absences: tuple[tuple[Interval, str], ...]
    extra_hours: tuple[Interval, ...]
    shifts: tuple[Shift, ...]
    deadlines: tuple[Deadline, ...]
    case: Case | None
    cases: tuple[Case, ...]
    partner: str | None
    partner_diary: WorkerDiary | None
    slots: tuple[Slot, ...]
    busy: tuple[Interval, ...] = ()


def week(wiring, actor: Actor, worker_id: str, monday: date, case_id: str | None,
         now: datetime) -> WeekPage:
    """The week page of ``worker_id`` (the actor's own, or any for a coordinator)."""
    require_self_or_coordinator(actor, worker_id)
    if not wiring.directory.get_workers([worker_id]):
        raise NotFound("no such worker")
    start, end = at_local(monday, 0), at_local(monday + timedelta(days=7), 0)
    cases = use.list_cases(wiring.directory, actor, worker_id if actor.is_coordinator else None,
                           None, CASES_READ, now).items
    case = _chosen(wiring.directory, actor, cases, case_id, now)
    partner = next((w for w in case.workers if w != worker_id), None) if case else None
    weeks = calendar.weeks_between(monday, monday + timedelta(days=6))
    diaries, raw = read_diaries([worker_id, *([partner] if partner else [])], weeks,
                                booking.RULES)
    found = wiring.agenda.worker_agenda(worker_id, start)
    rota = wiring.rota.load()
    span = Interval(start, end)
    mine = diaries[worker_id]
    return WeekPage(
        worker_id=worker_id, monday=monday,
        appointments=tuple(sorted((e for e in found.entries
                                   if e.status == "booked" and e.start < end),
                                  key=lambda e: e.start)),
        absences=tuple(a for a in absence_reasons(raw[worker_id], booking.RULES)
                       if a[0].overlaps(span)),
        extra_hours=mine.extra_hours,
        shifts=tuple(shifts_of(worker_id, rota.rotations, rota.overrides, start, end)),
        deadlines=tuple(d for d in found.deadlines if monday <= d.due < monday
                        + timedelta(days=7)),
        case=case, cases=tuple(cases), partner=partner,
        partner_diary=diaries.get(partner) if partner else None,
        slots=tuple(booking.slots(case, monday, 7, now)) if case else (),
        busy=mine.calendar_busy)


def _chosen(directory, actor: Actor, cases, case_id: str | None, now: datetime) -> Case | None:
    """The case asked for (it must be one the actor may see), else the first of theirs."""
    if not case_id:
        return cases[0] if cases else None
    known = next((c for c in cases if c.id == case_id), None)
    if known is not None:
        return known
    return use.read_case(directory, actor, case_id, now, action="console.week")


@dataclass(frozen=True)
class TeamGrid:
    """Workers × days: each worker's booked time and absence on each day."""

    first_day: date
    days: tuple[date, ...]
    rows: tuple[tuple[Worker, tuple[DayLoad, ...]], ...]


def team(directory, office_id: str | None, first_day: date) -> TeamGrid:
    """The team grid of an office (None: everyone) for ``TEAM_DAYS`` days from
    ``first_day`` (a Monday): one Query of the workers and one batch read of their
    calendar weeks (per 50 workers)."""
    days = tuple(days_from(first_day, TEAM_DAYS))
    workers = directory.office_workers(office_id)
    diaries, _ = read_diaries([w.id for w in workers],
                              calendar.weeks_between(days[0], days[-1]), booking.RULES)
    return TeamGrid(first_day, days, tuple(
        (w, tuple(day_loads(diaries[w.id], list(days)))) for w in workers))


@dataclass(frozen=True)
class FreeQuery:
    """Who is free: one or two workers, a meeting length and a place."""

    workers: tuple[str, ...]
    minutes: int
    place: str


def parse_free_query(workers, minutes: str, place: str) -> FreeQuery:
    """The query from the form's fields; Rejected names the field that is wrong."""
    chosen = tuple(dict.fromkeys(w for w in workers if w))
    if not 1 <= len(chosen) <= 2:
        raise Rejected("choose one or two workers", code="invalid_value", field="worker1")
    if not minutes.isdigit() or not 30 <= int(minutes) <= 240:
        raise Rejected("a whole number from 30 to 240", code="invalid_value", field="minutes")
    if not place:
        raise Rejected("choose a place", code="invalid_value", field="place")
    return FreeQuery(chosen, int(minutes), place)


def who_is_free(directory, asked: FreeQuery, first_day: date, now: datetime) -> list[Slot]:
    """The first ``FREE_SHOWN`` times within ``TEAM_DAYS`` days when every asked worker
    is free for ``minutes`` at ``place`` (a room free at an office)."""
    if len(directory.get_workers(asked.workers)) != len(asked.workers):
        raise NotFound("no such worker")
    weeks = calendar.weeks_between(first_day - timedelta(days=1),
                                   first_day + timedelta(days=TEAM_DAYS + 1))
    diaries, _ = read_diaries(asked.workers, weeks, booking.RULES)
    found = free_slots([diaries[w] for w in asked.workers], [_place(asked.place, weeks)],
                       booking.NO_LIMITS, asked.minutes, booking.RULES, first_day, TEAM_DAYS,
                       now, staff=True)
    return found[:FREE_SHOWN]


def _place(location: str, weeks: list[str]) -> PlaceOption:
    """The place asked about: a family's kind of place (nobody's in particular, so every
    other place is another one for the travel buffer), or an office and its rooms' use."""
    identity = place_identity("", location)
    if location in PLACE_KINDS:
        return PlaceOption(location, identity)
    items = batch_get([office_key(location), *(calendar.rooms_key(location, w) for w in weeks)])
    if office_key(location) not in items:
        raise Rejected("no such place", code="invalid_value", field="place")
    rooms = office_from_plain(items[office_key(location)]).rooms
    return calendar.place_option(location, identity, rooms,
                                 [items.get(calendar.rooms_key(location, w), {}) for w in weeks],
                                 booking.RULES)
