"""The feed renderer: exact bytes, RFC 5545 framing, and the same instants in three parsers."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.workdays import HELSINKI
from chalicelib.ical import FeedEvent, render_calendar
from tests.support.ics import (
    assert_ics_wellformed,
    assert_parsers_agree,
    parse_with_icalendar,
    parse_with_icaljs,
    parse_with_recurring_ical_events,
    touches_fold_hour,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
RECORDED = datetime(2026, 2, 2, 9, 15, tzinfo=UTC)
# Last Sundays of March and October: the EU summer-time changes in the test years.
DST_DAYS = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]


def helsinki(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=HELSINKI, fold=fold)


def event(uid: str, start: datetime | date, minutes: int = 90, **fields) -> FeedEvent:
    if isinstance(start, datetime):  # real minutes, not wall-clock ones, across a DST change
        end = start.astimezone(UTC) + timedelta(minutes=minutes)
    else:
        end = start + timedelta(days=1)
    defaults = {"summary": "Tapaaminen", "created": RECORDED, "last_modified": RECORDED}
    return FeedEvent(uid=uid, start=start, end=end, **(defaults | fields))


def worker_feed() -> list[FeedEvent]:
    """A worker's week as the store will hand it over: one of each kind of entry."""
    link = "https://tapaamo.example/staff/appointments/"
    return [
        event("appt-0001@tapaamo", helsinki(2026, 3, 27, 9, 0), location="Kotikäynti",
              summary="Perhetyö PT-0042: tapaaminen",
              description=f"Tapaamisen tiedot Tapaamossa: {link}appt-0001", url=link + "appt-0001"),
        event("appt-0002@tapaamo", helsinki(2026, 3, 30, 14, 30), location="Itäkeskus, Työpari",
              summary="Perhetyö PT-0042: verkostotapaaminen", status="CANCELLED", sequence=2,
              last_modified=datetime(2026, 3, 20, 12, 0, tzinfo=UTC)),
        event("review-0007@tapaamo", date(2026, 4, 1), transparent=True,
              summary="Määräpäivä PT-0042: asiakassuunnitelman tarkistus (Lastensuojelulaki 30 §)"),
        event("oncall-0003@tapaamo", helsinki(2026, 10, 24, 20, 0), minutes=13 * 60,
              summary="Päivystys (ensisijainen)"),
    ]


def test_worker_feed_matches_the_expected_ics_byte_for_byte():
    rendered = render_calendar("Tapaamo – työvuorot ja tapaamiset", worker_feed())
    snapshot = SNAPSHOTS / "worker_feed.ics"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_bytes(rendered)
    assert rendered == snapshot.read_bytes()


def test_snapshot_is_wellformed_and_read_alike_by_all_three_parsers():
    ics = (SNAPSHOTS / "worker_feed.ics").read_bytes()
    assert_ics_wellformed(ics)
    events = {e["uid"]: e for e in assert_parsers_agree(ics)}
    assert events["oncall-0003@tapaamo"]["end"] == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
    assert events["review-0007@tapaamo"]["start"] == date(2026, 4, 1)


def test_calendar_carries_the_rfc_7986_and_publishing_properties():
    text = render_calendar("Nimi", [], refresh=timedelta(minutes=30)).decode()
    for line in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "NAME:Nimi",
                 "X-WR-CALNAME:Nimi", "X-WR-TIMEZONE:Europe/Helsinki",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT30M", "X-PUBLISHED-TTL:PT30M"):
        assert f"\r\n{line}\r\n" in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text


def test_every_event_is_private_stamped_from_its_record_and_in_helsinki_time():
    text = render_calendar("x", [event("a", helsinki(2026, 6, 1, 10, 0), sequence=3)]).decode()
    for line in ("CLASS:PRIVATE", "DTSTAMP:20260202T091500Z", "LAST-MODIFIED:20260202T091500Z",
                 "SEQUENCE:3", "TRANSP:OPAQUE", "STATUS:CONFIRMED",
                 "DTSTART;TZID=Europe/Helsinki:20260601T100000",
                 "DTEND;TZID=Europe/Helsinki:20260601T113000"):
        assert f"\r\n{line}\r\n" in text


def test_a_cancelled_event_never_blocks_time():
    text = render_calendar("x", [event("a", helsinki(2026, 6, 1, 10), status="CANCELLED")])
    assert b"\r\nTRANSP:TRANSPARENT\r\n" in text and b"\r\nSTATUS:CANCELLED\r\n" in text


def test_rendering_does_not_depend_on_the_clock():
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        first = render_calendar("x", worker_feed())
    with time_machine.travel(datetime(2031, 7, 7, tzinfo=UTC), tick=False):
        assert render_calendar("x", worker_feed()) == first


@given(st.permutations(worker_feed()))
def test_input_order_does_not_change_the_bytes(events):
    assert render_calendar("x", events) == render_calendar("x", worker_feed())


def test_finnish_letters_survive_as_utf8_without_a_bom():
    text = "Kävijä öisin, Åbo – 🙂"
    ics = render_calendar("Työ", [event("a", helsinki(2026, 5, 5, 9), summary=text, location=text)])
    assert not ics.startswith(b"\xef\xbb\xbf")
    assert "SUMMARY:Kävijä öisin\\, Åbo – 🙂".encode() in ics
    assert parse_with_icaljs(ics)[0]["summary"] == text


def test_line_breaks_and_control_characters_cannot_break_the_framing():
    text = "rivi 1\r\nrivi 2\rrivi 3\x00\x1b\tloppu"
    ics = render_calendar("x", [event("a", helsinki(2026, 5, 5, 9), location=text)])
    assert_ics_wellformed(ics)
    assert b"\r\nLOCATION:rivi 1\\nrivi 2\\nrivi 3\tloppu\r\n" in ics


@pytest.mark.parametrize("prefix", range(4))
def test_folding_never_splits_a_multibyte_character(prefix):
    # Shifting by one ASCII character moves every fold boundary across the 2-byte letters.
    summary = "x" * prefix + "äöå" * 60
    ics = render_calendar("x", [event("a", helsinki(2026, 5, 5, 9), summary=summary)])
    assert_ics_wellformed(ics)  # checks ≤ 75 octets and that each line decodes alone
    assert b"\r\n " in ics
    assert parse_with_icalendar(ics)[0]["summary"] == summary


def test_instants_around_every_dst_change_match_zoneinfo_in_ical_js():
    # Every quarter hour from the day before to the day after each change, 90-minute
    # events, written from real UTC instants: fold-hour times included, gap times cannot occur.
    events = []
    for day in DST_DAYS:
        first = datetime(day.year, day.month, day.day, tzinfo=HELSINKI) - timedelta(days=1)
        for quarter in range(3 * 24 * 4):
            start = (first.astimezone(UTC) + timedelta(minutes=15 * quarter))
            events.append(event(f"{day}-{quarter:03}", start))
    ics = render_calendar("DST", events)
    assert_ics_wellformed(ics)
    expected = {e.uid: (e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in events}
    assert {e["uid"]: (e["start"], e["end"]) for e in assert_parsers_agree(ics)} == expected


@pytest.mark.parametrize(
    ("wall", "utc"),
    [
        (helsinki(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # before the gap
        (helsinki(2026, 3, 29, 4, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # after it
        (helsinki(2027, 3, 28, 4, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        (helsinki(2026, 10, 25, 3, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # EEST
        (helsinki(2026, 10, 25, 3, 30, fold=1), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),  # EET
        (helsinki(2027, 10, 31, 3, 30, fold=1), datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
    ],
)
def test_ical_js_reads_times_around_the_dst_changes_as_zoneinfo_does(wall, utc):
    (parsed,) = parse_with_icaljs(render_calendar("x", [event("a", wall, minutes=60)]))
    assert (parsed["start"], parsed["end"]) == (utc, utc + timedelta(hours=1))


def test_fold_hour_times_are_written_in_utc_because_ical_js_reads_tzid_as_the_later_one():
    # Regression: ical.js took DTSTART;TZID=Europe/Helsinki:20261025T033000 as 01:30Z,
    # although RFC 5545 3.3.5 says the first occurrence (00:30Z) is meant.
    ics = render_calendar("x", [event("a", helsinki(2026, 10, 25, 3, 30), minutes=90)])
    assert b"\r\nDTSTART:20261025T003000Z\r\n" in ics
    assert b"\r\nDTEND;TZID=Europe/Helsinki:20261025T040000\r\n" in ics


@pytest.mark.xfail(strict=True, reason="recurring-ical-events loses fold after X-WR-TIMEZONE")
def test_recurring_ical_events_reads_the_second_fold_hour():
    ics = render_calendar("x", [event("a", helsinki(2026, 10, 25, 3, 30, fold=1), minutes=60)])
    (parsed,) = parse_with_recurring_ical_events(ics)
    assert touches_fold_hour(parsed)
    assert parsed["start"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_events_months_ahead_keep_their_wall_time_across_dst_in_ical_js():
    months = [helsinki(2026 + m // 12, m % 12 + 1, 15, 10, 0) for m in range(12 * 12)]
    ics = render_calendar("x", [event(f"m{i:03}", start) for i, start in enumerate(months)])
    starts = [e["start"] for e in sorted(parse_with_icaljs(ics), key=lambda e: e["uid"])]
    assert [s.astimezone(HELSINKI).hour for s in starts] == [10] * len(months)
    assert starts == [m.astimezone(UTC) for m in months]


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(second=0, microsecond=0))
printable = st.characters(exclude_categories=("Cs", "Cc"))
texts = st.text(printable | st.sampled_from("\n\t"), max_size=120)


@st.composite
def feed_events(draw, uid: str) -> FeedEvent:
    if draw(st.booleans()):
        start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)))
        end = start + timedelta(days=draw(st.integers(1, 5)))
    else:
        start = draw(instants).astimezone(draw(st.sampled_from([UTC, HELSINKI])))
        end = start + timedelta(minutes=draw(st.integers(1, 3 * 24 * 60)))
    return FeedEvent(
        uid=uid, summary=draw(texts), start=start, end=end,
        created=RECORDED, last_modified=draw(instants),
        sequence=draw(st.integers(0, 1000)), status=draw(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        location=draw(st.none() | texts), description=draw(st.none() | texts),
    )


feeds = st.lists(st.text(printable, min_size=1, max_size=40), max_size=8, unique=True).flatmap(
    lambda uids: st.tuples(*(feed_events(uid) for uid in uids))
)


def as_parsed(e: FeedEvent) -> dict:
    utc = lambda value: value.astimezone(UTC) if isinstance(value, datetime) else value  # noqa: E731
    return {"uid": e.uid, "summary": e.summary, "status": e.status, "sequence": e.sequence,
            "all_day": e.all_day, "start": utc(e.start), "end": utc(e.end)}


@given(feeds)
def test_rendering_then_parsing_gives_back_the_same_events(events):
    ics = render_calendar("x", events)
    assert_ics_wellformed(ics)
    parsed = sorted(parse_with_icalendar(ics), key=lambda e: e["uid"])
    assert parsed == sorted(map(as_parsed, events), key=lambda e: e["uid"])


@settings(max_examples=15, deadline=None)
@given(feeds)
def test_ical_js_agrees_with_zoneinfo_on_random_feeds(events):
    parsed = sorted(assert_parsers_agree(render_calendar("x", events)), key=lambda e: e["uid"])
    assert parsed == sorted(map(as_parsed, events), key=lambda e: e["uid"])


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime(2026, 5, 5, 9)},  # naive
        {"end": date(2026, 5, 6)},  # a date with a datetime
        {"end": helsinki(2026, 5, 5, 9)},  # empty
        {"status": "TENTATIVE"},
        {"sequence": -1},
        {"uid": ""},
        {"uid": "a\r\nX-INJECTED:1"},
        {"last_modified": datetime(2026, 5, 5)},
    ],
)
def test_an_event_that_cannot_be_published_is_refused(change):
    with pytest.raises(ValueError):
        replace(event("a", helsinki(2026, 5, 5, 9)), **change)


def test_two_events_with_one_uid_are_refused():
    with pytest.raises(ValueError, match="unique"):
        render_calendar("x", [event("a", helsinki(2026, 5, 5, 9)), event("a", date(2026, 5, 6))])
