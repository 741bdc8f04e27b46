"""The feed writer gives, byte for byte, what icalendar gave for the same events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.workdays import HELSINKI
from chalicelib.ical import FeedEvent, render_calendar
from tests.support.ical_reference import reference_calendar

RECORDED = datetime(2026, 2, 2, 9, 15, tzinfo=UTC)

# Finnish and Swedish letters, TEXT's special characters, line breaks, the characters
# icalendar's folding treats specially, four-byte emoji and control characters.
tricky = st.text(st.sampled_from("aäöåÄÖÅ ,;:\\^\"N\n\r\t\x00x🙂–§é"), max_size=40)
texts = tricky | st.text(max_size=90) | st.text(min_size=200, max_size=400)
instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2040, 12, 31),
                        timezones=st.sampled_from([UTC, HELSINKI]))
# icalendar writes NAME and X-WR-CALNAME unescaped (it does not know them as TEXT), so
# names are compared without TEXT's special characters; the writer escapes them (RFC 7986).
names = st.text(st.characters(exclude_characters="\\;,\n\r", exclude_categories=("Cc", "Cs")),
                max_size=60)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def feed_events(draw, uid: str) -> FeedEvent:
    if draw(st.booleans()):
        start = draw(days)
        end = start + timedelta(days=draw(st.integers(1, 3)))
    else:
        start = draw(instants)
        end = start + timedelta(minutes=draw(st.integers(1, 60 * 30)))
    optional = st.none() | texts
    return FeedEvent(
        uid=uid, summary=draw(texts), start=start, end=end,
        created=draw(instants), last_modified=draw(instants),
        sequence=draw(st.integers(0, 10_000)),
        status=draw(st.sampled_from(["CONFIRMED", "CANCELLED"])),
        transparent=draw(st.booleans()), location=draw(optional),
        description=draw(optional | st.text(min_size=200, max_size=300)),
        url=draw(st.none() | st.just("https://tapaamo.example/appointments/")
                 .map(lambda base: base + uid.replace(" ", "-") * 3)),
    )


@st.composite
def feeds(draw) -> list[FeedEvent]:
    uids = draw(st.lists(st.text(st.sampled_from("abcäö,;\\-@.1"), min_size=1, max_size=30),
                         max_size=6, unique=True))
    return [draw(feed_events(uid)) for uid in uids]


@settings(deadline=None, max_examples=300)
@given(feeds(), names,
       st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=40)))
def test_the_writer_gives_icalendars_bytes(events, name, refresh):
    assert render_calendar(name, events, refresh=refresh) == \
        reference_calendar(name, events, refresh)


@given(st.integers(0, 80), st.sampled_from(["ä", "🙂", "\\", ",", "^", "x"]))
def test_folds_fall_where_icalendar_puts_them_around_multibyte_and_escapes(prefix, char):
    event = FeedEvent("a", "x" * prefix + char * 90, datetime(2026, 5, 5, 9, tzinfo=UTC),
                      datetime(2026, 5, 5, 10, tzinfo=UTC), RECORDED, RECORDED)
    assert render_calendar("x", [event]) == reference_calendar("x", [event])


def test_a_500_event_feed_renders_in_a_few_milliseconds_the_first_time():
    from time import perf_counter

    start = datetime(2026, 2, 3, 7, tzinfo=HELSINKI)
    events = [FeedEvent(f"appt-first-{i:04d}@tapaamo", f"Tapaamo k3f9a1b2 · kotikäynti {i}",
                        start + timedelta(hours=2 * i), start + timedelta(hours=2 * i, minutes=90),
                        RECORDED, RECORDED, description="Tapaamo: https://t.example/a/" + "x" * 60)
              for i in range(500)]
    began = perf_counter()
    render_calendar("Tapaamo", events)
    assert perf_counter() - began < 0.1  # icalendar took ~0.19 s here


def test_calendar_names_are_escaped_as_text():
    assert b"\r\nNAME:Tiimi\\, Kallio\\; ilta\r\n" in render_calendar("Tiimi, Kallio; ilta", [])
