"""On-call shifts in a worker's feed: whole shifts, free time, the same bytes between polls.

Through chalice.test.Client on moto; the rota is made with ``POST /oncall/rotations``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.workdays import HELSINKI
from tests.integration.test_feeds_api import clock  # noqa: F401 - fixture (Monday 2.2.2026)
from harness.api import call, make_case, make_worker, unique
from tests.support.ics import assert_ics_wellformed

@pytest.fixture
def on_call(client, clock, token):
    """A worker in a weekly primary rotation (Mondays 08:00 Helsinki), and their feed path."""
    boss = token("coordinator")
    worker, other = make_worker(client, boss), make_worker(client, boss)
    make_case(client, boss, [worker])  # a review deadline in the feed too
    status, body = call(client, "POST", "/oncall/rotations", boss,
                        {"id": unique("r"), "level": "primary", "workers": [worker, other],
                         "start": "2026-01-05T08:00:00+02:00", "shift_hours": 168})
    assert status == 201, body
    status, body = call(client, "POST", f"/workers/{worker}/feed-tokens", boss)
    assert status == 201
    return body["url"].removeprefix("http://tapaamo.test")


def shifts(ics: bytes):
    return [e for e in assert_ics_wellformed(ics).walk("VEVENT")
            if str(e["UID"]).startswith("oncall-")]


def test_each_shift_event_ends_when_the_shift_ends_and_blocks_no_time(client, on_call):
    ics = client.http.get(on_call).body
    found = shifts(ics)
    assert found, ics
    for event in found:
        start, end = (event.decoded(p).astimezone(HELSINKI) for p in ("DTSTART", "DTEND"))
        # A whole shift, Monday 08:00 to Monday 08:00, never cut at "now + horizon".
        assert (start.weekday(), start.hour, end - start) == (0, 8, timedelta(days=7))
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_no_event_in_a_worker_feed_links_to_a_page_that_is_not_there(client, on_call):
    events = assert_ics_wellformed(client.http.get(on_call).body).walk("VEVENT")
    assert {str(e["UID"]).split("-")[0] for e in events} >= {"oncall", "review"}
    assert all("URL" not in e for e in events)
    deadlines = [e for e in events if str(e["UID"]).startswith("review-")]
    assert deadlines and all(str(e["TRANSP"]) == "TRANSPARENT" for e in deadlines)


@pytest.mark.parametrize("later", [timedelta(minutes=1), timedelta(minutes=30),
                                   timedelta(hours=5)])
def test_a_poll_later_the_same_day_gets_304(client, on_call, clock, later):
    first = client.http.get(on_call)
    assert first.status_code == 200
    clock.shift(later)
    again = client.http.get(on_call, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304, "the feed changed although nothing did"
