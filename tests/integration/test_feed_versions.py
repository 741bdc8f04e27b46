"""A worker feed's ETag follows its version: every write the feed shows changes it, other
writes do not, and a poll with the current ETag is answered from one small item.

Through chalice.test.Client on moto; each write is made through the public API.
"""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest

from chalicelib.store.agenda import TOKEN_SK, agenda_pk
from tests.integration.test_feeds_api import (  # noqa: F401 - fixtures
    JSON, clock, family_book, feed_path, helsinki, staff_book, team)
from harness.api import call, make_worker, unique
from harness.booking import coord  # noqa: F401 - fixture
from harness.round_trips import dynamodb_requests

TUESDAY_TEN = helsinki(2026, 2, 10, 10, 0)
TODAY_TWO_PM = helsinki(2026, 2, 2, 14, 0)  # the clock's day (Monday), after 11:00


def etag_of(client, path: str) -> str:
    response = client.http.get(path)
    assert response.status_code == 200, response.body
    return response.headers["ETag"]


def poll(client, path: str, etag: str) -> int:
    return client.http.get(path, headers={"If-None-Match": etag}).status_code


def review_to_complete(client, team) -> str:
    status, body = call(client, "GET", f"/cases/{team['case']}/reviews", team["coord"])
    assert status == 200, body
    return next(r["id"] for r in body["reviews"] if r["status"] == "open")


def rotation(workers) -> dict:
    return {"id": unique("r"), "level": "primary", "workers": workers,
            "start": "2026-01-05T08:00:00+02:00", "shift_hours": 168}


# Each: (setup → context, the write). Setup runs before the first poll.
CHANGES = {
    "a staff booking": (lambda c, t: None,
                        lambda c, t, _: staff_book(c, t, TUESDAY_TEN)),
    "a family booking": (lambda c, t: None,
                         lambda c, t, _: family_book(c, t["link"], TUESDAY_TEN)),
    "a staff cancellation": (
        lambda c, t: staff_book(c, t, TUESDAY_TEN),
        lambda c, t, a: call(c, "POST", f"/appointments/{a}/cancel", t["coord"])),
    "a family cancellation": (
        lambda c, t: staff_book(c, t, TUESDAY_TEN),
        lambda c, t, a: call(c, "POST", f"/book/{t['link']}/appointments/{a}/cancel", {})),
    "a family move": (
        lambda c, t: family_book(c, t["link"], TUESDAY_TEN),
        lambda c, t, a: call(c, "POST", f"/book/{t['link']}/appointments/{a}/move", JSON,
                             {"start": (TUESDAY_TEN + timedelta(days=1)).isoformat(),
                              "location": "home"})),
    "a past meeting recorded": (
        lambda c, t: None,
        lambda c, t, _: staff_book(c, t, helsinki(2026, 1, 30, 9, 0), outcome="held")),
    "a review completed": (
        review_to_complete,
        lambda c, t, r: call(c, "POST", f"/cases/{t['case']}/reviews/{r}/complete",
                             t["coord"])),
    "an on-call rotation naming the worker": (
        lambda c, t: None,
        lambda c, t, _: call(c, "POST", "/oncall/rotations", t["coord"],
                             rotation([t["worker"]]))),
    "an override for the worker": (
        lambda c, t: None,
        lambda c, t, _: call(c, "POST", "/oncall/overrides", t["coord"],
                             {"worker": t["worker"], "level": "primary",
                              "start": "2026-02-04T08:00:00+02:00",
                              "end": "2026-02-04T16:00:00+02:00"})),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_kind_of_write_the_feed_shows_changes_its_etag(client, team, change):
    setup, write = CHANGES[change]
    context = setup(client, team)
    path = feed_path(client, team["auth"], team["worker"])
    before = etag_of(client, path)
    assert poll(client, path, before) == 304
    answer = write(client, team, context)
    assert not isinstance(answer, tuple) or answer[0] in (200, 201), answer
    after = etag_of(client, path)
    assert after != before
    assert poll(client, path, before) == 200
    assert poll(client, path, after) == 304


def test_writes_the_feed_does_not_show_keep_its_etag(client, team, clock):
    staff_book(client, team, TODAY_TWO_PM)
    other = make_worker(client, team["coord"], office=team["office"])
    path = feed_path(client, team["auth"], team["worker"])
    before = etag_of(client, path)
    clock.shift(timedelta(hours=4))  # the meeting has begun, the day is the same
    absence = call(client, "POST", f"/workers/{team['worker']}/absences", team["coord"],
                   {"start": "2026-02-20T08:00:00+02:00", "end": "2026-02-20T16:00:00+02:00"})
    assert absence[0] == 201, absence
    others = call(client, "POST", "/oncall/rotations", team["coord"], rotation([other]))
    assert others[0] == 201, others
    assert poll(client, path, before) == 304
    assert etag_of(client, path) == before


def test_an_outcome_recorded_changes_the_etag_and_ends_the_events_title(client, team, clock):
    meeting = staff_book(client, team, TODAY_TWO_PM)
    path = feed_path(client, team["auth"], team["worker"])
    clock.shift(timedelta(hours=4))  # the meeting has begun, the day is the same
    before = etag_of(client, path)
    with_outcome = call(client, "POST", f"/appointments/{meeting}/outcome", team["coord"],
                        {"outcome": "no-show"})
    assert with_outcome[0] == 200, with_outcome
    assert poll(client, path, before) == 200
    assert "· ei saapunut" in client.http.get(path).body.decode().replace("\r\n ", "")


def test_the_next_day_a_poll_gets_the_feed_again(client, team, clock):
    staff_book(client, team, TUESDAY_TEN)
    path = feed_path(client, team["auth"], team["worker"])
    before = etag_of(client, path)
    clock.shift(timedelta(days=1))  # the window moved: events may have left it
    assert poll(client, path, before) == 200


def test_an_unchanged_poll_reads_one_small_item_once(client, aws, team):
    for day in range(3):
        staff_book(client, team, TUESDAY_TEN + timedelta(days=day))
    path = feed_path(client, team["auth"], team["worker"])
    etag = etag_of(client, path)
    with dynamodb_requests() as calls:
        assert poll(client, path, etag) == 304
    assert calls == ["GetItem"]
    record = boto3.client("dynamodb", region_name="eu-north-1").get_item(
        TableName=aws["TAPAAMO_TABLE"],
        Key={"pk": {"S": agenda_pk(team["worker"])}, "sk": {"S": TOKEN_SK}})["Item"]
    assert len(json.dumps(record)) < 1024  # one read unit, strongly consistent


def test_a_304_still_checks_the_token(client, team):
    path = feed_path(client, team["auth"], team["worker"])
    etag = etag_of(client, path)
    feed_path(client, team["auth"], team["worker"])  # a new address replaces it
    assert poll(client, path, etag) == 410
    forged = path.replace(".", ".x", 1)
    assert poll(client, forged, etag) == 404


def family_calendar(team) -> str:
    return f"/book/{team['link']}/calendar.ics"


def test_the_familys_calendar_follows_its_bookings_and_seats_only(client, team):
    path = family_calendar(team)
    before = etag_of(client, path)
    staff_book(client, team, TUESDAY_TEN, case=team["other"])  # another family's
    assert poll(client, path, before) == 304
    booked = family_book(client, team["link"], TUESDAY_TEN + timedelta(days=1))
    assert poll(client, path, before) == 200
    after_booking = etag_of(client, path)
    status, body = call(client, "POST", f"/book/{team['link']}/appointments/{booked}/cancel",
                        {})
    assert status == 200, body
    assert poll(client, path, after_booking) == 200
    after_cancel = etag_of(client, path)
    status, group = call(client, "POST", "/groups", team["coord"], {
        "service": "tehostettu-perhetyo", "office": team["office"], "workers": [team["worker"]],
        "start": helsinki(2026, 2, 12, 17, 0).isoformat(), "minutes": 90, "sessions": 2,
        "seats": 4, "cases": [team["case"]]})
    assert status == 201, group
    assert poll(client, path, after_cancel) == 304  # invited, not seated: nothing shown
    status, body = call(client, "POST", f"/book/{team['link']}/groups/{group['id']}/seats",
                        JSON, {})
    assert status == 201, body
    assert poll(client, path, after_cancel) == 200
    seated = etag_of(client, path)
    with dynamodb_requests() as calls:
        assert poll(client, path, seated) == 304
    assert calls == ["BatchGetItem"]  # the link, the case and the calendar's version
