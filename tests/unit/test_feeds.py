"""Feed rules and use cases with in-memory repositories; the cached renderer's bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Office, Worker
from chalicelib.domain.errors import Forbidden, Gone
from chalicelib.domain.feeds import AgendaEntry, shown, staff_summary
from chalicelib.ical import FeedEvent, render_calendar
from chalicelib.services import feeds
from chalicelib.services.offices import OfficeNames
from chalicelib.store.agenda import InMemoryAgenda
from chalicelib.store.directory_items import OFFICE_NAMES_KEY
from chalicelib.store.memory_directory import InMemoryDirectory
from chalicelib.store.shared import Shared, SharedItems
from tests.support.ical_reference import reference_calendar

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
COORDINATOR = Actor("c", "coordinator")


def shared_of(directory, fetches=None, **others) -> SharedItems:
    """Shared reads over the in-memory directory's names item and ``others`` by key;
    ``fetches`` collects the keys of each round trip."""
    def fetch(keys):
        if fetches is not None:
            fetches.append(sorted(keys))
        items = {OFFICE_NAMES_KEY: directory.office_names_item(),
                 **{tuple(k.split("/")): v for k, v in others.items()}}
        return {k: items[k] for k in keys if k in items}
    return SharedItems(fetch)


def entry(start=NOW + timedelta(days=1), status="booked", updated_at=NOW, location="home",
          kind="meeting", id="a1") -> AgendaEntry:
    return AgendaEntry(id, "k3f9a1b2", start, start + timedelta(minutes=90), location, kind,
                       status, 1 if status == "cancelled" else 0, NOW, updated_at)


@pytest.fixture
def repos():
    directory = InMemoryDirectory()
    directory.put_office(Office("kallio", "Kallio", "Toinen linja 4", 2))
    directory.put_worker(Worker("w1", "Anna Virtanen", "anna@x.fi", "+358401", "kallio", ()))
    return InMemoryAgenda(), directory


@pytest.mark.parametrize("case, expected", [
    (entry(start=NOW - timedelta(days=31)), False),
    (entry(start=NOW - timedelta(days=29)), True),
    (entry(start=NOW + timedelta(days=399)), True),
    (entry(start=NOW + timedelta(days=401)), False),
    (entry(status="cancelled", updated_at=NOW - timedelta(days=29)), True),
    (entry(status="cancelled", updated_at=NOW - timedelta(days=30)), False),
])
def test_a_feed_shows_the_window_and_keeps_cancellations_30_days(case, expected):
    assert shown(case, NOW) is expected


def test_a_home_meeting_is_just_a_home_visit_and_other_kinds_are_named():
    assert staff_summary(entry(), "kotikäynti") == "Tapaamo k3f9a1b2 · kotikäynti"
    assert staff_summary(entry(kind="crisis"), "kotikäynti") == \
        "Tapaamo k3f9a1b2 · kriisitapaaminen · kotikäynti"


@pytest.mark.parametrize("outcome, said", [
    ("held", "pidetty"), ("no-show", "ei saapunut"), ("cancelled-late", "peruttu myöhään")])
def test_a_recorded_outcome_ends_the_title_and_changes_only_the_title_and_stamp(
        outcome, said):
    from dataclasses import replace

    before = entry(start=NOW - timedelta(days=1))
    after = replace(before, outcome=outcome, updated_at=NOW)
    assert staff_summary(after, "kotikäynti") == f"Tapaamo k3f9a1b2 · kotikäynti · {said}"
    old, new = feeds.staff_event(before, None), feeds.staff_event(after, None)
    assert (new.uid, new.sequence, new.status, new.start) == (
        old.uid, old.sequence, "CONFIRMED", old.start)
    ics = render_calendar("Tapaamo", [new])
    assert ics == render_calendar("Tapaamo", [new])  # deterministic
    assert f"· {said}".encode() in ics.replace(b"\r\n ", b"")


def test_only_the_hash_of_a_feed_token_is_stored_and_a_new_one_replaces_it(repos):
    agenda, directory = repos
    first = feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "https://t", NOW)
    token = first.removeprefix("https://t/feeds/").removesuffix(".ics")
    assert token.startswith("w1.") and len(token.split(".")[1]) >= 32  # 192 bits
    assert agenda.tokens["w1"] == feeds.token_hash(token) != token
    feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "https://t", NOW)
    with pytest.raises(Gone):  # replaced: 410, not an unknown address
        feeds.worker_feed(agenda, shared_of(directory), OfficeNames(directory), (), token, NOW)
    assert agenda.replaced["w1"] == [feeds.token_hash(token)]


def test_a_worker_mints_only_their_own_feed_token(repos):
    agenda, directory = repos
    feeds.issue_feed_token(agenda, directory, Actor("s", "worker", "w1"), "w1", "h", NOW)
    with pytest.raises(Forbidden):
        feeds.issue_feed_token(agenda, directory, Actor("s", "worker", "w2"), "w1", "h", NOW)


def test_event_sources_plug_into_the_worker_feed(repos):
    agenda, directory = repos
    url = feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "h", NOW)
    agenda.add("w1", entry(location="kallio"))
    deadline = FeedEvent("review-1@tapaamo", "Määräpäivä k3f9a1b2", NOW.date(),
                         NOW.date() + timedelta(days=1), NOW, NOW, transparent=True)
    source = feeds.EventSource(Shared(("R", "1"), lambda item: item["n"],
                                      timedelta(minutes=1)),
                               lambda worker, now, n: [deadline] * n)
    token = url.removeprefix("h/feeds/").removesuffix(".ics")
    fetches = []
    ics = feeds.worker_feed(agenda, shared_of(directory, fetches, **{"R/1": {"n": 1}}),
                            OfficeNames(directory), [source], token, NOW).ics
    assert b"UID:review-1@tapaamo" in ics and b"Kallio" in ics
    assert b"Anna" not in ics and b"Toinen linja" not in ics
    assert fetches == [[OFFICE_NAMES_KEY, ("R", "1")]]  # one round trip for both


def test_office_names_are_read_once_until_stale_or_a_new_office_appears(repos):
    agenda, directory = repos
    url = feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "h", NOW)
    token = url.removeprefix("h/feeds/").removesuffix(".ics")
    agenda.add("w1", entry(location="kallio"))
    fetches = []
    shared, names = shared_of(directory, fetches), OfficeNames(directory, timedelta(minutes=10))

    def feed(at):
        return feeds.worker_feed(agenda, shared, names, (), token, at).ics.decode()

    feed(NOW)
    directory.put_office(Office("kallio", "Kallion toimisto", "Toinen linja 4", 2))
    assert "Kallio\r\n" in feed(NOW + timedelta(minutes=9)).replace("\r\n ", "")
    assert len(fetches) == 1
    directory.put_office(Office("malmi", "Malmi", "", 1))
    agenda.add("w1", entry(location="malmi", id="a2", start=NOW + timedelta(days=2)))
    assert "· Malmi" in feed(NOW + timedelta(minutes=9))
    assert "Kallion toimisto" in feed(NOW + timedelta(minutes=30))
    assert len(fetches) == 3


def test_a_table_without_the_names_item_lists_the_offices(repos):
    agenda, directory = repos
    url = feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "h", NOW)
    agenda.add("w1", entry(location="kallio"))
    ics = feeds.worker_feed(agenda, SharedItems(lambda keys: {}), OfficeNames(directory), (),
                            url.removeprefix("h/feeds/").removesuffix(".ics"), NOW).ics
    assert "· Kallio".encode() in ics


@settings(deadline=None, max_examples=50)
@given(st.lists(st.text(min_size=1, max_size=90), min_size=1, max_size=5, unique=True))
def test_cached_rendering_gives_icalendars_own_bytes(summaries):
    events = [FeedEvent(f"u{i}@tapaamo", text, NOW + timedelta(hours=i),
                        NOW + timedelta(hours=i, minutes=90), NOW, NOW, location=text)
              for i, text in enumerate(summaries)]
    reference = reference_calendar("Tapaamo", events)
    assert render_calendar("Tapaamo", events) == reference
    assert render_calendar("Tapaamo", events[::-1]) == reference


def test_an_unknown_office_is_not_read_twice_in_one_request(repos):
    agenda, directory = repos
    url = feeds.issue_feed_token(agenda, directory, COORDINATOR, "w1", "h", NOW)
    agenda.add("w1", entry(location="suljettu"))
    fetches = []
    ics = feeds.worker_feed(agenda, shared_of(directory, fetches), OfficeNames(directory), (),
                            url.removeprefix("h/feeds/").removesuffix(".ics"), NOW).ics
    assert "· suljettu".encode() in ics and len(fetches) == 1
