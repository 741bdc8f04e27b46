"""What the booking page shows: weeks, places and slots grouped by Helsinki day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.directory import Office
from chalicelib.domain.workdays import HELSINKI
from chalicelib.web import view
from chalicelib.web.i18n import Words

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=HELSINKI)  # a Wednesday
URLS = view.Urls(base="", token="case-1.secret")
FI = Words("fi")
OFFICES = {"kallio": Office("kallio", "Kallion toimipiste", "Toinen linja 4", 2)}


@dataclass(frozen=True)
class FakeSlot:
    start: datetime
    end: datetime
    locations: tuple[str, ...]


def slot(day: int, hour: int, locations=("home", "kallio")) -> FakeSlot:
    start = datetime(2026, 12, day, hour, tzinfo=HELSINKI)
    return FakeSlot(start, start + timedelta(minutes=90), locations)


def test_the_week_is_the_monday_asked_for_but_never_one_in_the_past():
    assert view.week_start("2026-12-10", NOW) == date(2026, 12, 7)
    assert view.week_start("2026-11-01", NOW) == date(2026, 11, 30)
    assert view.week_start("garbage", NOW) == date(2026, 11, 30)
    assert view.week_start(None, NOW) == date(2026, 11, 30)


def test_this_week_has_no_previous_link_and_the_next_week_has_one():
    this = view.week_view(FI, URLS, date(2026, 11, 30), NOW, {"place": "home"})
    nxt = view.week_view(FI, URLS, date(2026, 12, 7), NOW, {"place": "home"})
    assert this["previous_url"] is None
    assert this["label"] == "Viikko 49: 30.11.–6.12."
    assert "week=2026-12-07" in this["next_url"] and "place=home" in this["next_url"]
    assert "week=2026-11-30" in nxt["previous_url"]


def test_slots_are_grouped_by_helsinki_day_and_filtered_by_place():
    slots = [slot(3, 12), slot(3, 9), slot(4, 9, ("kallio",)), slot(14, 9)]
    days = view.slot_days(FI, URLS, slots, "home", date(2026, 11, 30), None)
    assert [d["heading"] for d in days] == ["torstai 3.12."]
    assert [s["time"] for s in days[0]["slots"]] == ["9.00", "12.00"]
    assert "place=home" in days[0]["slots"][0]["url"]
    assert days[0]["slots"][0]["url"].startswith("/book/case-1.secret/page/confirm?start=2026-12-03T09")


def test_a_slot_late_in_the_utc_evening_belongs_to_the_next_helsinki_day():
    late = FakeSlot(datetime(2026, 12, 2, 22, 30, tzinfo=UTC), datetime(2026, 12, 3, 0, 0, tzinfo=UTC),
                    ("home",))
    days = view.slot_days(FI, URLS, [late], "home", date(2026, 11, 30), None)
    assert days[0]["heading"] == "torstai 3.12."


def test_an_office_is_shown_by_name_and_address_and_a_home_in_words():
    assert view.place_label(FI, "kallio", OFFICES) == ("Kallion toimipiste", "Toinen linja 4")
    assert view.place_label(Words("sv"), "home", OFFICES) == ("Hemma", "")
    assert view.place_label(FI, "gone-office", OFFICES) == ("Sovittu paikka", "")


def test_the_chosen_place_must_be_one_the_case_allows():
    assert view.chosen_place("kallio", ("home", "kallio")) == "kallio"
    assert view.chosen_place("malmi", ("home", "kallio")) == "home"


def test_language_links_keep_the_rest_of_the_query():
    links = dict(view.language_links(URLS, {"week": "2026-12-07", "place": None}))
    assert links["sv"] == "/book/case-1.secret?week=2026-12-07&lang=sv"
