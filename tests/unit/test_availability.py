"""Table tests of free_slots and check_booking: DST, holidays, absences, rooms, limits."""

from datetime import date, datetime, timedelta

import pytest

from chalicelib.domain.availability import check_booking, free_slots
from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.diary import Busy, FamilyLoad, PlaceOption, WorkerDiary
from chalicelib.domain.errors import Conflict, Rejected
from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local, is_working_day

RULES = BookingRules()
TUESDAY = date(2026, 12, 1)
NOW = at_local(date(2026, 11, 20), 12)  # well before TUESDAY, within the 28-day horizon
HOME = PlaceOption("home", "home:c1")
FREE_FAMILY = FamilyLoad(meetings_per_week=5)
PAIR = (WorkerDiary("anna"), WorkerDiary("ben"))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return at_local(day, hour, minute)


def span(day: date, start_hour: float, end_hour: float) -> Interval:
    def clock(hour: float) -> datetime:
        return at(day, int(hour), int(hour % 1 * 60))

    return Interval(clock(start_hour), clock(end_hour))


def wall_clock_starts(slots, day: date) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots if s.start.date() == day]


def book(start, *, diaries=PAIR, place=HOME, family=FREE_FAMILY, minutes=90, now=NOW, staff=False):
    return check_booking(diaries, place, family, start, minutes, RULES, now, staff=staff)


def rejection(start, **kwargs) -> str:
    with pytest.raises((Rejected, Conflict)) as caught:
        book(start, **kwargs)
    return caught.value.code


ORDINARY_DAY = [
    f"{h:02d}:{m:02d}" for h in range(7, 19) for m in (0, 30)
]  # 07:00 … 18:30 (ends 20:00)


@pytest.mark.parametrize(
    "monday",
    [date(2026, 3, 23), date(2026, 10, 19), date(2027, 3, 22), date(2027, 10, 25)],
    ids=["spring-2026", "autumn-2026", "spring-2027", "autumn-2027"],
)
def test_slots_keep_their_wall_clock_times_through_the_dst_weeks(monday):
    slots = free_slots(PAIR, [HOME], FREE_FAMILY, 90, RULES, monday, 14, at(monday, 0), staff=True)
    for day in (monday + timedelta(days=n) for n in range(14)):
        expected = ORDINARY_DAY if is_working_day(day) else []
        assert wall_clock_starts(slots, day) == expected, day
    offsets = {s.start.utcoffset() for s in slots}
    assert offsets == {timedelta(hours=2), timedelta(hours=3)}


def test_the_autumn_fold_hour_is_offered_twice_when_a_worker_opens_the_night():
    sunday = date(2026, 10, 25)
    night = [WorkerDiary("anna", extra_hours=(span(sunday, 0, 6),))]
    slots = free_slots(night, [HOME], FREE_FAMILY, 60, RULES, sunday, 1, at(sunday, 0), staff=True)
    assert len(slots) == 13  # seven real hours, a one-hour meeting, every half hour
    assert wall_clock_starts(slots, sunday).count("03:00") == 2


def test_the_spring_gap_hour_is_never_offered():
    sunday = date(2026, 3, 29)
    night = [WorkerDiary("anna", extra_hours=(span(sunday, 0, 6),))]
    slots = free_slots(night, [HOME], FREE_FAMILY, 60, RULES, sunday, 1, at(sunday, 0), staff=True)
    assert len(slots) == 9  # five real hours
    assert not any(s.start.hour == 3 for s in slots)


@pytest.mark.parametrize(
    "day",
    [date(2026, 6, 19), date(2026, 12, 24), date(2026, 4, 3), date(2026, 4, 6)],
    ids=["juhannusaatto", "jouluaatto", "good-friday", "easter-monday"],
)
def test_holidays_have_no_slots_and_cannot_be_booked(day):
    now = at(day - timedelta(days=2), 12)
    assert free_slots(PAIR, [HOME], FREE_FAMILY, 90, RULES, day, 1, now) == []
    assert rejection(at(day, 10), now=now) == "holiday"


def test_extra_hours_open_a_holiday_for_the_workers_who_opened_it():
    eve = date(2026, 12, 24)
    opened = tuple(WorkerDiary(w, extra_hours=(span(eve, 9, 12),)) for w in ("anna", "ben"))
    assert book(at(eve, 9), diaries=opened, staff=True) == span(eve, 9, 10.5)
    assert rejection(at(eve, 9), diaries=(opened[0], PAIR[1]), staff=True) == "holiday"


def test_a_saturday_opened_by_both_workers_offers_slots_inside_the_extra_hours():
    saturday = date(2026, 12, 5)
    opened = tuple(WorkerDiary(w, extra_hours=(span(saturday, 10, 14),)) for w in ("anna", "ben"))
    slots = free_slots(opened, [HOME], FREE_FAMILY, 90, RULES, saturday, 1, NOW)
    assert wall_clock_starts(slots, saturday) == [
        "10:00",
        "10:30",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
    ]
    one_opened = (opened[0], PAIR[1])
    assert free_slots(one_opened, [HOME], FREE_FAMILY, 90, RULES, saturday, 1, NOW) == []
    assert rejection(at(saturday, 10), diaries=one_opened) == "outside_working_hours"


def test_a_meeting_must_end_by_eight_unless_the_evening_is_opened():
    assert rejection(at(TUESDAY, 19)) == "outside_working_hours"
    assert rejection(at(TUESDAY, 6, 30)) == "outside_working_hours"
    evening = tuple(WorkerDiary(w, extra_hours=(span(TUESDAY, 20, 21),)) for w in ("anna", "ben"))
    assert book(at(TUESDAY, 19), diaries=evening) == span(TUESDAY, 19, 20.5)


def test_an_absence_removes_the_slots_it_touches():
    away = (WorkerDiary("anna", absences=(span(TUESDAY, 10, 12),)), PAIR[1])
    starts = wall_clock_starts(
        free_slots(away, [HOME], FREE_FAMILY, 90, RULES, TUESDAY, 1, NOW), TUESDAY
    )
    assert starts == ["07:00", "07:30", "08:00", "08:30"] + ORDINARY_DAY[10:]
    assert rejection(at(TUESDAY, 9), diaries=away) == "worker_absent"
    assert book(at(TUESDAY, 12), diaries=away) == span(TUESDAY, 12, 13.5)


def test_the_travel_buffer_applies_only_between_different_places():
    busy = (WorkerDiary("anna", busy=(Busy(span(TUESDAY, 10, 11.5), "home:c1"),)), PAIR[1])
    office = PlaceOption("kallio", "office:kallio", rooms=3)
    assert book(at(TUESDAY, 11, 30), diaries=busy) == span(TUESDAY, 11.5, 13)
    assert rejection(at(TUESDAY, 11, 30), diaries=busy, place=office) == "slot_taken"
    assert book(at(TUESDAY, 12), diaries=busy, place=office) == span(TUESDAY, 12, 13.5)
    other_home = PlaceOption("home", "home:c2")  # another family's home is another place
    assert rejection(at(TUESDAY, 8, 30), diaries=busy, place=other_home) == "slot_taken"
    assert book(at(TUESDAY, 8, 30), diaries=busy) == span(TUESDAY, 8.5, 10)
    slots = free_slots(busy, [HOME, office], FREE_FAMILY, 90, RULES, TUESDAY, 1, NOW)
    by_start = {s.start.strftime("%H:%M"): s.locations for s in slots}
    assert by_start["11:30"] == ("home",) and by_start["12:00"] == ("home", "kallio")
    assert "10:00" not in by_start


@pytest.mark.parametrize("rooms, expected", [(1, ("home",)), (2, ("home", "kallio"))])
def test_an_office_offers_a_slot_only_while_a_room_is_free(rooms, expected):
    office = PlaceOption("kallio", "office:kallio", rooms=rooms, booked=(span(TUESDAY, 10, 11.5),))
    slots = free_slots(PAIR, [HOME, office], FREE_FAMILY, 90, RULES, TUESDAY, 1, NOW)
    by_start = {s.start.strftime("%H:%M"): s.locations for s in slots}
    assert by_start["10:30"] == expected
    assert by_start["08:30"] == ("home", "kallio") and by_start["11:30"] == ("home", "kallio")


def test_two_bookings_that_never_overlap_each_other_leave_the_second_room_free():
    office = PlaceOption(
        "kallio", "office:kallio", rooms=2, booked=(span(TUESDAY, 9, 10), span(TUESDAY, 10, 11))
    )
    assert book(at(TUESDAY, 9, 30), place=office) == span(TUESDAY, 9.5, 11)
    full = PlaceOption(
        "kallio", "office:kallio", rooms=2, booked=(span(TUESDAY, 9, 11), span(TUESDAY, 10, 11))
    )
    assert rejection(at(TUESDAY, 9, 30), place=full) == "slot_taken"


def test_a_family_gets_one_meeting_a_day_and_its_weekly_number():
    family = FamilyLoad(meetings_per_week=2, booked=(span(TUESDAY, 8, 9.5),))
    assert rejection(at(TUESDAY, 14), family=family) == "daily_limit"
    assert book(at(TUESDAY + timedelta(days=1), 14), family=family)
    full = FamilyLoad(2, (span(TUESDAY, 8, 9.5), span(TUESDAY + timedelta(days=1), 8, 9.5)))
    assert rejection(at(TUESDAY + timedelta(days=2), 14), family=full) == "weekly_limit"
    assert book(at(TUESDAY + timedelta(days=6), 14), family=full)  # next ISO week
    slots = free_slots(PAIR, [HOME], full, 90, RULES, TUESDAY - timedelta(days=1), 14, NOW)
    assert {s.start.date() for s in slots} == {
        TUESDAY + timedelta(days=n) for n in (6, 7, 8, 9, 10)
    }


def test_a_family_books_at_least_a_day_ahead_and_at_most_four_weeks_ahead():
    now = at(TUESDAY, 10, 15)
    assert rejection(at(TUESDAY + timedelta(days=1), 10), now=now) == "too_soon"
    assert book(at(TUESDAY + timedelta(days=1), 10, 30), now=now)
    assert book(at(TUESDAY + timedelta(days=28), 10), now=now)
    assert rejection(at(TUESDAY + timedelta(days=28), 10, 30), now=now) == "too_far"
    slots = free_slots(PAIR, [HOME], FREE_FAMILY, 90, RULES, TUESDAY, 40, now)
    assert slots[0].start == at(TUESDAY + timedelta(days=1), 10, 30)
    assert slots[-1].start == at(TUESDAY + timedelta(days=28), 10)


def test_staff_book_without_notice_or_horizon_but_not_in_the_past():
    now = at(TUESDAY, 10, 15)
    assert book(at(TUESDAY, 10, 30), now=now, staff=True)
    assert book(at(TUESDAY + timedelta(days=90), 10), now=now, staff=True)
    assert rejection(at(TUESDAY, 10), now=now, staff=True) == "too_soon"


@pytest.mark.parametrize(
    "case, expected",
    [
        ({"place": None, "start": at(date(2026, 12, 24), 10, 10)}, "bad_location"),
        ({"start": at(date(2026, 12, 24), 10, 10)}, "off_grid"),
        ({"start": at(date(2026, 12, 24), 10), "now": at(date(2026, 12, 24), 9)}, "too_soon"),
        (
            {
                "start": at(date(2026, 12, 24), 10),
                "diaries": (WorkerDiary("a", absences=(span(date(2026, 12, 24), 0, 23),)),),
                "staff": True,
            },
            "holiday",
        ),
        (
            {
                "start": at(TUESDAY, 10),
                "diaries": (WorkerDiary("a", absences=(span(TUESDAY, 9, 12),)),),
                "family": FamilyLoad(0, (span(TUESDAY, 8, 9),)),
            },
            "worker_absent",
        ),
        (
            {"start": at(TUESDAY, 10), "family": FamilyLoad(0, (span(TUESDAY, 8, 9),))},
            "daily_limit",
        ),
        (
            {
                "start": at(TUESDAY, 10),
                "family": FamilyLoad(0),
                "diaries": (WorkerDiary("a", busy=(Busy(span(TUESDAY, 10, 11), "x"),)),),
            },
            "weekly_limit",
        ),
    ],
)
def test_the_most_useful_error_wins(case, expected):
    start = case.pop("start")
    assert rejection(start, **case) == expected
