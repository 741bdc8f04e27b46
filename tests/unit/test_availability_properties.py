"""Invariants of free_slots and check_booking, checked against brute-force oracles."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.availability import check_booking, free_slots
from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.diary import Busy, FamilyLoad, PlaceOption, WorkerDiary
from chalicelib.domain.errors import DomainError
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local, is_working_day, local

RULES = BookingRules()
DAYS = 3
# Ordinary weeks, both DST Sundays, Midsummer Eve and Christmas Eve with the days around them.
FIRST_DAYS = [
    date(2026, 12, 1),
    date(2026, 3, 27),
    date(2026, 10, 23),
    date(2026, 6, 18),
    date(2026, 12, 23),
]
LOCATION_OF = {"office:kallio": "kallio", "home:c1": "home", "school:c1": "school"}
PLACES = list(LOCATION_OF)
FIVE = timedelta(minutes=5)


@st.composite
def span_on(draw, first_day, step_minutes, longest_minutes):
    """An interval starting on the listed days, on a ``step_minutes`` grid of the wall clock."""
    day = first_day + timedelta(days=draw(st.integers(0, DAYS - 1)))
    start = at_local(day, draw(st.integers(5, 21))) + draw(
        st.integers(0, 60 // step_minutes - 1)
    ) * timedelta(minutes=step_minutes)
    length = draw(st.integers(1, longest_minutes // 5)) * FIVE
    return Interval(start, start + length)


@st.composite
def scenarios(draw):
    first_day = draw(st.sampled_from(FIRST_DAYS))
    diaries = tuple(
        WorkerDiary(
            f"w{n}",
            busy=tuple(
                draw(
                    st.lists(
                        st.builds(Busy, span_on(first_day, 30, 180), st.sampled_from(PLACES)),
                        max_size=6,
                    )
                )
            ),
            absences=tuple(draw(st.lists(span_on(first_day, 5, 240), max_size=2))),
            extra_hours=tuple(draw(st.lists(span_on(first_day, 5, 360), max_size=2))),
        )
        for n in range(draw(st.integers(1, 2)))
    )
    places = tuple(
        PlaceOption(
            LOCATION_OF[place],
            place,
            rooms=draw(st.sampled_from([1, 2])) if place.startswith("office") else None,
            booked=tuple(draw(st.lists(span_on(first_day, 30, 180), max_size=3)))
            if place.startswith("office")
            else (),
        )
        for place in draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=3, unique=True))
    )
    family = FamilyLoad(
        draw(st.integers(1, 3)), tuple(draw(st.lists(span_on(first_day, 30, 120), max_size=2)))
    )
    minutes = draw(st.sampled_from([60, 90, 120]))
    now = at_local(first_day, 12) - timedelta(hours=draw(st.integers(0, 48)))
    return diaries, places, family, minutes, first_day, now


def listed(slots) -> set[tuple[datetime, str]]:
    return {(slot.start, location) for slot in slots for location in slot.locations}


def grid_starts(first_day: date):
    start, end = at_local(first_day, 0), at_local(first_day + timedelta(days=DAYS), 0)
    while start < end:
        yield local(start)
        start += RULES.grid


def works_at(diary: WorkerDiary, instant: datetime) -> bool:
    """Oracle: ordinary hours of a working day or opened extra hours, and not absent."""
    wall = local(instant)
    ordinary = is_working_day(wall.date()) and 7 <= wall.hour < 20
    extra = any(e.start <= instant < e.end for e in diary.extra_hours)
    absent = any(a.start <= instant < a.end for a in diary.absences)
    return (ordinary or extra) and not absent


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_check_booking_accepts_exactly_the_listed_slots(scenario):
    diaries, places, family, minutes, first_day, now = scenario
    slots = free_slots(diaries, places, family, minutes, RULES, first_day, DAYS, now)
    accepted = set()
    for start in grid_starts(first_day):
        for place in places:
            try:
                check_booking(diaries, place, family, start, minutes, RULES, now)
            except DomainError:
                continue
            accepted.add((start, place.location))
    assert listed(slots) == accepted
    assert [s.start for s in slots] == sorted({s.start for s in slots})


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_no_slot_touches_a_busy_worker_or_their_travel_buffer(scenario):
    diaries, places, family, minutes, first_day, now = scenario
    place_of = {p.location: p.place for p in places}
    for slot in free_slots(diaries, places, family, minutes, RULES, first_day, DAYS, now):
        for location in slot.locations:
            for diary in diaries:
                for busy in diary.busy:
                    margin = (
                        timedelta(0) if busy.place == place_of[location] else timedelta(minutes=30)
                    )
                    assert (
                        slot.end + margin <= busy.interval.start
                        or busy.interval.end + margin <= slot.start
                    )


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_every_slot_lies_in_working_time_of_every_worker(scenario):
    diaries, places, family, minutes, first_day, now = scenario
    for slot in free_slots(diaries, places, family, minutes, RULES, first_day, DAYS, now):
        assert slot.start.minute % 30 == 0 and slot.end - slot.start == timedelta(minutes=minutes)
        assert slot.start >= now + RULES.notice
        instant = slot.start
        while instant < slot.end:  # every boundary in the scenarios is on a 5-minute grid
            assert all(works_at(diary, instant) for diary in diaries)
            instant += FIVE


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_without_extra_hours_no_slot_is_on_a_day_off_or_ends_after_eight(scenario):
    diaries, places, family, minutes, first_day, now = scenario
    ordinary = tuple(WorkerDiary(d.worker_id, d.busy, d.absences) for d in diaries)
    for slot in free_slots(ordinary, places, family, minutes, RULES, first_day, DAYS, now):
        assert is_working_day(slot.start.date())
        assert slot.start.hour >= 7 and (slot.end.hour, slot.end.minute) <= (20, 0)
        assert slot.end.date() == slot.start.date()


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.data())
def test_removing_a_busy_interval_never_removes_a_slot(scenario, data):
    diaries, places, family, minutes, first_day, now = scenario
    diary = diaries[0]
    if not diary.busy:
        return
    dropped = data.draw(st.integers(0, len(diary.busy) - 1))
    freer = WorkerDiary(
        diary.worker_id,
        diary.busy[:dropped] + diary.busy[dropped + 1 :],
        diary.absences,
        diary.extra_hours,
    )
    before = free_slots(diaries, places, family, minutes, RULES, first_day, DAYS, now)
    after = free_slots((freer,) + diaries[1:], places, family, minutes, RULES, first_day, DAYS, now)
    assert listed(before) <= listed(after)
