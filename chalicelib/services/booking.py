"""Booking use cases: free slots, book, cancel and move, each one read and one transaction.

The transaction's conditions (``store.appointments.add_booking``) are what keep workers,
rooms and the family's limits from being over-committed under any concurrency; the checks
before it only give early, precise answers. When the transaction is cancelled, the
calendars are read once more and the domain's ``check_booking`` names the reason.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from chalicelib.domain.appointment import Appointment, appointment_view
from chalicelib.domain.availability import check_booking, free_slots
from chalicelib.domain.booking_rules import BookingRules, buffer_buckets, lock_buckets
from chalicelib.domain.diary import FamilyLoad, PlaceOption, Slot, WorkerDiary
from chalicelib.domain.directory import PLACE_KINDS, Case, Office, place_identity
from chalicelib.domain.errors import Conflict, NotFound, Rejected, Unavailable
from chalicelib.domain.intervals import Interval
from chalicelib.domain.notification import Notification
from chalicelib.domain.workdays import local
from chalicelib.services.links import family_link, open_link
from chalicelib.store import appointments as store
from chalicelib.store import calendar, links
from chalicelib.store.directory_items import office_from_plain, office_key
from chalicelib.store.outbox import enqueue
from chalicelib.store.reminders import reminder_timer_fields, worker_timer_item
from chalicelib.store.retry import AGAIN, retrying
from chalicelib.store.tx import TransactionCancelled, batch_get

RULES = BookingRules()
ATTEMPTS = 4
NO_LIMITS = FamilyLoad(meetings_per_week=10**6)


@dataclass(frozen=True)
class BookingRequest:
    """What is asked for, and by whom (``booked_by``: ``family`` or a staff label).

    ``any_hour``: a crisis meeting staff book outside working time (with a reason).
    """

    case: Case
    start: datetime
    location: str
    booked_by: str
    staff: bool = False
    minutes: int | None = None
    kind: str = "meeting"
    idempotency: str | None = None
    any_hour: bool = False

    def fingerprint(self, operation: str) -> str:
        shape = [operation, self.start.isoformat(), self.location, self.minutes, self.kind]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def office_keys(location: str) -> list[tuple[str, str]]:
    return [] if location in PLACE_KINDS else [office_key(location)]


def idempotency_keys(case_id: str, header: str | None) -> list[tuple[str, str]]:
    return [links.idempotency_key(case_id, header)] if header else []


def own_appointment(case: Case, items: dict, appointment_id: str) -> Appointment:
    """The appointment in ``items`` (read with the link) if it belongs to ``case``.

    Raises:
        NotFound: no such appointment, or another case's (404 either way).
    """
    item = items.get(store.appointment_key(appointment_id))
    if item is None or item["case_id"] != case.id:
        raise NotFound("no such appointment")
    return store.appointment_from_item(item)


def open_appointment(token: str, appointment_id: str, now: datetime, extra_keys=()
                     ) -> tuple[Case, dict, Appointment]:
    """The link's case, ``extra_keys`` and one of its appointments: one round trip.

    Raises:
        NotFound: unknown link, or an appointment that is not the link's case's (404).
        Gone: the link expired or was revoked (410).
    """
    case, items = open_link(token, now, [store.appointment_key(appointment_id), *extra_keys])
    return case, items, own_appointment(case, items, appointment_id)


def slots(case: Case, first_day: date, days: int, now: datetime,
          rules: BookingRules = RULES, moving: Appointment | None = None) -> list[Slot]:
    """The family's bookable slots in [first_day, first_day + days): one batch read.

    With ``moving``, the slots it could move to: its own time, locks and day count as
    free (a move may stay on the same day) and the slots are as long as it is.
    """
    offices = [loc for loc in case.locations if loc not in PLACE_KINDS]
    weeks = calendar.weeks_between(first_day - timedelta(days=1),
                                   first_day + timedelta(days=days + 1))
    state = _calendar_state(case, weeks, offices, rules, with_offices=True,
                            ignore=moving.id if moving else None)
    places = [state.places[loc] for loc in case.locations if loc in state.places]
    minutes = moving.minutes if moving else case.meeting_minutes
    return free_slots(state.diaries, places, state.family, minutes, rules, first_day, days, now)


def book(request: BookingRequest, items: dict, now: datetime,
         rules: BookingRules = RULES, moving: Appointment | None = None) -> tuple[int, dict]:
    """Book (or with ``moving``, move) an appointment; ``items`` is the first batch read
    (case, office of the location, idempotency record). Returns (status, JSON body)."""
    status = 200 if moving else 201
    replay = _replay(request, items, "move" if moving else "book")
    if replay:
        return replay
    if moving and not moving.booked:
        raise Conflict("this appointment is no longer booked", code="not_booked")
    office = _office(items, request.location)
    appointment = _new_appointment(request, office, now, rules)
    body = appointment_view(appointment)

    def attempt(_):
        plan = calendar.Plan()
        store.add_booking(plan, appointment, rules, rooms=office.rooms if office else None,
                          weekly_limit=None if request.staff else request.case.meetings_per_week,
                          releasing=moving,
                          timer=reminder_timer_fields(appointment.start, request.case.reminders,
                                                      now),
                          worker_timer=worker_timer_item(
                              appointment, request.case.worker_reminders, now),
                          any_hour=request.any_hour)
        # A move is one message naming the old time and the new, not a new confirmation.
        _tell_family(plan.tx, "rescheduled" if moving else "confirmation", request.case,
                     appointment, now, moving)
        if request.idempotency:
            links.remember_response(plan.tx, links.idempotency_key(
                request.case.id, request.idempotency), links.StoredResponse(
                request.fingerprint("move" if moving else "book"), status, body), now)
        try:
            plan.commit(token=appointment.id)
            return status, body
        except TransactionCancelled as cancelled:
            if "idempotency" in cancelled.failed:
                fresh = batch_get(idempotency_keys(request.case.id, request.idempotency),
                                  consistent=True)
                return _replay(request, fresh, "move" if moving else "book") or (status, body)
            if "old-appointment" in cancelled.failed:
                raise Conflict("this appointment is no longer booked", code="not_booked")
            _explain(request, appointment, office, now, rules, moving)
            return AGAIN  # no rule explains it: the locks moved meanwhile

    return retrying(attempt, ATTEMPTS, Unavailable("the calendar is busy, try again"))


def move(request: BookingRequest, old: Appointment, items: dict, now: datetime,
         rules: BookingRules = RULES) -> tuple[int, dict]:
    """Book a new time/place for ``old`` and release ``old`` in one transaction: the old
    appointment is released only if the new one is booked."""
    return book(replace(request, kind=old.kind, minutes=old.minutes), items, now, rules,
                moving=old)


def cancel(appointment: Appointment, case: Case, now: datetime, *,
           rules: BookingRules = RULES) -> Appointment:
    """Cancel and release everything the appointment holds; cancelling twice is a no-op.

    The family's ``cancellation`` carries a link to its page to book a new time.

    Raises:
        Conflict: 409 ``has_outcome``: the meeting took place and its outcome is recorded.
    """
    if not appointment.booked:
        return appointment
    if appointment.outcome:
        raise Conflict("this meeting's outcome is recorded", code="has_outcome")
    request_token = "c" + secrets.token_hex(12)  # one per request, kept across its retries

    def attempt(_):
        plan = calendar.Plan()
        store.release(plan, appointment, rules, now)
        _tell_family(plan.tx, "cancellation", case, appointment, now)
        try:
            plan.commit(token=request_token)
        except TransactionCancelled:
            pass  # someone else cancelled it first: the outcome is the same

    retrying(attempt, ATTEMPTS, Unavailable("the calendar is busy, try again"))
    return replace(appointment, status="cancelled", sequence=appointment.sequence + 1,
                   updated_at=now)


def _replay(request: BookingRequest, items: dict, operation: str) -> tuple[int, dict] | None:
    if not request.idempotency:
        return None
    item = items.get(links.idempotency_key(request.case.id, request.idempotency))
    if item is None:
        return None
    stored = links.response_from_item(item)
    if stored.fingerprint != request.fingerprint(operation):
        raise Rejected("this Idempotency-Key was used for a different request",
                       code="idempotency_key_reused")
    return stored.status, stored.body


def _office(items: dict, location: str) -> Office | None:
    item = items.get(office_key(location)) if location not in PLACE_KINDS else None
    return office_from_plain(item) if item else None


def _new_appointment(request: BookingRequest, office: Office | None, now: datetime,
                     rules: BookingRules) -> Appointment:
    """Checks that need no calendar (place, grid, notice, horizon), then the appointment."""
    case = request.case
    minutes = request.minutes or case.meeting_minutes
    known = request.location in case.locations and (
        request.location in PLACE_KINDS or office is not None)
    place = PlaceOption(request.location, place_identity(case.id, request.location),
                        office.rooms if office else None) if known else None
    # Working time is left to the transaction: extra hours may open an evening.
    span = Interval(request.start - timedelta(days=1), request.start + timedelta(days=2))
    open_diaries = [WorkerDiary(w, extra_hours=(span,)) for w in case.workers]
    meeting = check_booking(open_diaries, place, NO_LIMITS, request.start, minutes, rules,
                            now, staff=request.staff)
    return Appointment(
        id="a" + secrets.token_hex(8), case_id=case.id, workers=case.workers,
        start=meeting.start, end=meeting.end, location=request.location, place=place.place,
        kind=request.kind, minutes=minutes, status="booked", sequence=0, created_at=now,
        updated_at=now, booked_by=request.booked_by,
        buckets=tuple(lock_buckets(meeting, rules)), rooms=office is not None)


def family_notes(kind: str, case: Case, appointment: Appointment, link_ref: str,
                 old: Appointment | None = None) -> list[Notification]:
    """The family's message of ``kind`` about ``appointment``, one per channel it asked
    for (by default one: SMS, or e-mail without a phone). ``old``: the time it moved from."""
    params = {"start": local(appointment.start).isoformat(), "location": appointment.location,
              "link_ref": link_ref}
    if old is not None:
        params["old_start"] = local(old.start).isoformat()
    return [Notification(kind, channel, recipient, f"{kind}:{appointment.id}",
                         language=case.contact.language, params=params, case_id=case.id)
            for channel, recipient in case.contact.destinations()]


def _tell_family(tx, kind: str, case: Case, appointment: Appointment, now: datetime,
                 old: Appointment | None = None) -> None:
    """Queue the family's message with a fresh link to its page (none if unreachable)."""
    if not case.contact.destinations():
        return
    ref = family_link(tx, case, now, until=appointment.end)
    for note in family_notes(kind, case, appointment, ref, old):
        enqueue(tx, note, now)


@dataclass(frozen=True)
class CalendarState:
    diaries: list[WorkerDiary]
    places: dict[str, PlaceOption]
    family: FamilyLoad


def _calendar_state(case: Case, weeks: list[str], offices: list[str], rules: BookingRules,
                    *, with_offices: bool = False, rooms: dict[str, int] | None = None,
                    ignore: str | None = None) -> CalendarState:
    """Calendars, rooms and the family's load for ``weeks``: one batch read."""
    keys = [calendar.cal_key(w, wk) for w in case.workers for wk in weeks]
    keys += [calendar.rooms_key(o, wk) for o in offices for wk in weeks]
    keys += [calendar.load_key(case.id, wk) for wk in weeks]
    keys += [office_key(o) for o in offices] if with_offices else []
    items = batch_get(keys, consistent=not with_offices)
    rooms = dict(rooms or {})
    for o in offices:
        office = _office(items, o)
        if office:
            rooms[o] = office.rooms
    diaries = [calendar.diary_from_items(
        w, [items.get(calendar.cal_key(w, wk), {}) for wk in weeks], rules, ignore)
        for w in case.workers]
    places = {loc: calendar.place_option(
        loc, place_identity(case.id, loc), rooms.get(loc),
        [items.get(calendar.rooms_key(loc, wk), {}) for wk in weeks], rules)
        for loc in case.locations if loc in PLACE_KINDS or loc in rooms}
    loads = [items.get(calendar.load_key(case.id, wk), {}) for wk in weeks]
    return CalendarState(diaries, places, calendar.family_load(case.meetings_per_week, loads,
                                                                ignore))


def _explain(request, appointment, office, now, rules, moving) -> None:
    """Raise the precise reason a booking transaction was refused (the failure path)."""
    meeting = Interval(appointment.start, appointment.end)
    buckets = lock_buckets(meeting, rules) + buffer_buckets(meeting, rules)
    weeks = list(dict.fromkeys(calendar.week_of(b, rules) for b in buckets))
    offices = [office.id] if office else []
    state = _calendar_state(request.case, weeks, offices, rules,
                            rooms={office.id: office.rooms} if office else None,
                            ignore=moving.id if moving else None)
    place = state.places.get(request.location)
    if request.any_hour:  # working time does not apply, only absences and other meetings
        state = replace(state, diaries=[replace(d, extra_hours=(*d.extra_hours, meeting))
                                        for d in state.diaries])
    # A taken time is named before the family's own limits: when the family's own
    # booking holds the very slot (a race of double clicks), "taken" is the true answer.
    for family in (NO_LIMITS, NO_LIMITS if request.staff else state.family):
        check_booking(state.diaries, place, family, appointment.start, appointment.minutes,
                      rules, now, staff=request.staff)
    # The obstacle went away between the transaction and this read: still a conflict.
    raise Conflict("this time was just taken", code="slot_taken")
