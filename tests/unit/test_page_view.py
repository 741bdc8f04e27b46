"""What the booking page shows: the week and day picked, places, and slots by Helsinki day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.directory import Office, Worker
from chalicelib.domain.workdays import HELSINKI
from chalicelib.web import slot_picker, view
from chalicelib.web.slot_picker import Asked
from chalicelib.web.i18n import Words

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=HELSINKI)  # a Wednesday
URLS = view.Urls(base="", token="case-1.secret")
LAST = date(2026, 12, 30)  # NOW + the 28-day booking horizon
FI = Words("fi")
OFFICES = {"kallio": Office("kallio", "Kallion toimipiste", "Toinen linja 4", 2, "Berghäll")}


@dataclass(frozen=True)
class FakeSlot:
    start: datetime
    end: datetime
    locations: tuple[str, ...]


def slot(day: int, hour: int, locations=("home", "kallio")) -> FakeSlot:
    start = datetime(2026, 12, day, hour, tzinfo=HELSINKI)
    return FakeSlot(start, start + timedelta(minutes=90), locations)


def test_the_week_is_the_monday_of_the_day_or_week_asked_for_within_the_horizon():
    assert slot_picker.shown_monday(Asked.parse("2026-12-10", None), NOW, LAST) == date(2026, 12, 7)
    assert slot_picker.shown_monday(Asked.parse(None, "2026-12-10"), NOW, LAST) == date(2026, 12, 7)
    assert slot_picker.shown_monday(Asked.parse(None, "2026-11-01"), NOW, LAST) == date(2026, 11, 30)
    assert slot_picker.shown_monday(Asked.parse("9999-12-31", None), NOW, LAST) == date(2026, 12, 28)
    assert slot_picker.shown_monday(Asked.parse("garbage", None), NOW, LAST) == date(2026, 11, 30)
    assert slot_picker.shown_monday(Asked(), NOW, LAST) == date(2026, 11, 30)
    assert not Asked.parse("garbage", "").explicit
    assert slot_picker.last_day(NOW, timedelta(days=28)) == LAST


def test_this_week_has_no_previous_week_and_the_next_week_has_one():
    this = slot_picker.picker(FI, date(2026, 11, 30), [], None, NOW, LAST)
    nxt = slot_picker.picker(FI, date(2026, 12, 7), [], None, NOW, LAST)
    last = slot_picker.picker(FI, date(2026, 12, 28), [], None, NOW, LAST)
    assert this["previous"] is None and this["next"] == "2026-12-07"
    assert last["next"] is None and last["previous"] == "2026-12-21"
    assert this["label"] == "Viikko 49: 30.11.–6.12."
    assert nxt["previous"] == "2026-11-30"


def test_the_day_strip_shows_the_working_days_and_the_first_day_with_times_is_chosen():
    slots = slot_picker.at_place([slot(3, 12), slot(3, 9), slot(4, 9, ("kallio",))], "home")
    week = slot_picker.picker(FI, date(2026, 11, 30), slots, None, NOW, LAST)
    assert [(d["weekday"], d["short"], d["open"]) for d in week["days"]] == [
        ("ma", "30.11.", False), ("ti", "1.12.", False), ("ke", "2.12.", False),
        ("to", "3.12.", True), ("pe", "4.12.", False)]
    assert week["chosen"] == "2026-12-03" and week["heading"] == "torstai 3.12."
    assert [t["time"] for t in week["times"]] == ["9.00", "12.00"]
    assert week["times"][0]["start"].startswith("2026-12-03T09:00")
    assert week["times"][0]["label"] == "Valitse aika to 3.12. klo 9.00–10.30"


def test_an_asked_day_without_times_falls_back_to_the_weeks_first_day_with_times():
    week = slot_picker.picker(FI, date(2026, 11, 30), [slot(3, 9), slot(4, 9)], date(2026, 12, 4),
                              NOW, LAST)
    assert week["chosen"] == "2026-12-04"
    week = slot_picker.picker(FI, date(2026, 11, 30), [slot(3, 9)], date(2026, 12, 2), NOW, LAST)
    assert week["chosen"] == "2026-12-03"


def test_a_weekend_day_is_in_the_strip_only_when_extra_hours_give_it_times():
    week = slot_picker.picker(FI, date(2026, 11, 30), [slot(5, 10)], None, NOW, LAST)
    assert [d["date"] for d in week["days"]][-1] == "2026-12-05"


def test_the_time_of_the_meeting_being_moved_is_marked_current():
    week = slot_picker.picker(FI, date(2026, 11, 30), [slot(3, 9), slot(3, 10)], None, NOW, LAST,
                              current=slot(3, 9).start)
    assert [(t["time"], t["current"]) for t in week["times"]] == [("9.00", True), ("10.00", False)]
    assert week["times"][0]["label"] == "Nykyinen aika to 3.12. klo 9.00–10.30"


def test_an_empty_week_names_the_next_free_time_and_the_day_to_show():
    week = slot_picker.picker(FI, date(2026, 11, 30), [], None, NOW, LAST, later=slot(9, 9))
    assert week["times"] == [] and week["next_free"] == {
        "day": "2026-12-09", "label": "ke 9.12. klo 9.00"}


def test_a_slot_late_in_the_utc_evening_belongs_to_the_next_helsinki_day():
    late = FakeSlot(datetime(2026, 12, 2, 22, 30, tzinfo=UTC), datetime(2026, 12, 3, 0, 0, tzinfo=UTC),
                    ("home",))
    week = slot_picker.picker(FI, date(2026, 11, 30), [late], None, NOW, LAST)
    assert week["heading"] == "torstai 3.12."


def test_the_booking_horizon_bounds_the_search_for_the_next_free_time():
    assert slot_picker.days_left(date(2026, 12, 7), LAST) == 24
    assert slot_picker.days_left(date(2027, 1, 4), LAST) == 0


def test_the_intro_names_the_workers_by_first_name():
    aino = Worker("w-1", "Aino Virtanen", None, None, None, ())
    eero = Worker("w-2", "Eero Korhonen", None, None, None, ())
    assert view.intro(FI, [aino, eero]) == "Työntekijäsi: Aino ja Eero."
    assert view.intro(Words("sv"), [aino]) == "Din arbetare: Aino."
    assert view.intro(FI, []) == FI("site.intro")


def test_an_office_is_shown_by_name_and_address_and_a_home_in_words():
    assert view.place_label(FI, "kallio", OFFICES) == ("Kallion toimipiste", "Toinen linja 4")
    assert view.place_label(Words("sv"), "kallio", OFFICES) == ("Berghäll", "Toinen linja 4")
    assert view.place_label(Words("en"), "kallio", OFFICES) == ("Kallion toimipiste",
                                                                 "Toinen linja 4")
    assert view.place_label(Words("sv"), "home", OFFICES) == ("Hemma", "")
    assert view.place_label(FI, "gone-office", OFFICES) == ("Sovittu paikka", "")


def test_the_chosen_place_must_be_one_the_case_allows():
    assert view.chosen_place("kallio", ("home", "kallio")) == "kallio"
    assert view.chosen_place("malmi", ("home", "kallio")) == "home"


def test_language_links_keep_the_rest_of_the_query():
    links = dict(view.language_links(URLS, {"week": "2026-12-07", "place": None}))
    assert links["sv"] == "/book/case-1.secret?week=2026-12-07&lang=sv"
