"""Calendar feeds through chalice.test.Client on moto: tokens, content, HTTP caching,
privacy, and the same instants in icalendar, recurring-ical-events and ical.js.

Appointments are made the way users make them: staff ``POST /appointments`` and the
family's booking link, so the feeds read exactly what booking writes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
import time_machine

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.workdays import HELSINKI, is_working_day
from chalicelib.store.appointments import agenda_item
from chalicelib.store.tx import to_dynamo
from harness.api import call, make_case, make_office, make_worker
from harness.booking import coord, issue_link, make_family  # noqa: F401 - fixture
from tests.support.ics import assert_ics_wellformed, assert_parsers_agree
from harness.round_trips import dynamodb_requests

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # Monday 11:00 in Helsinki
FAMILY_PHONE, FAMILY_EMAIL = "040 123 4567", "family@example.org"
JSON = {"Content-Type": "application/json"}


# Stands in for harness/booking's clock here: the imported coord is minted at this NOW.
@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(client, coord, token):
    """A worker at Itäkeskus, a family of theirs (Swedish, with a booking link), another family."""
    office = make_office(client, coord, name="Itäkeskus")
    worker = make_worker(client, coord, office=office, phone="040 555 0101")
    family = make_family(client, coord, workers=[worker], office=office,
                         contact={"phone": FAMILY_PHONE, "email": FAMILY_EMAIL, "language": "sv"})
    other = make_case(client, coord, [worker])
    return {"office": office, "worker": worker, "case": family.case, "link": family.token,
            "other": other["id"],
            "auth": token("worker", worker), "coord": coord}


def staff_book(client, team, start: datetime, case=None, location="home", auth=None,
               **fields) -> str:
    """Book through the staff API (no notice or horizon); the appointment's id."""
    status, made = call(client, "POST", "/appointments", auth or team["coord"], {
        "case": case or team["case"], "start": start.isoformat(), "location": location,
        **fields})
    assert status == 201, made
    return made["id"]


def family_book(client, link: str, start: datetime, location="home") -> str:
    status, made = call(client, "POST", f"/book/{link}/appointments", JSON,
                        {"start": start.isoformat(), "location": location})
    assert status == 201, made
    return made["id"]


def feed_path(client, headers, worker) -> str:
    status, body = call(client, "POST", f"/workers/{worker}/feed-tokens", headers)
    assert status == 201, body
    assert body["url"].startswith("http://tapaamo.test/feeds/")
    return body["url"].removeprefix("http://tapaamo.test")


def get(client, path, **headers):
    return client.http.get(path, headers=headers)


def helsinki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def test_a_worker_feed_reads_the_same_in_three_parsers_across_dst(client, team):
    starts = [helsinki(2026, 2, 3, 9, 0), helsinki(2026, 3, 30, 9, 0),
              helsinki(2026, 10, 26, 14, 30), helsinki(2027, 1, 15, 8, 0)]
    ids = [staff_book(client, team, s, location=team["office"] if i % 2 else "home")
           for i, s in enumerate(starts)]
    response = get(client, feed_path(client, team["auth"], team["worker"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = assert_ics_wellformed(response.body)
    events = {e["uid"]: e for e in assert_parsers_agree(response.body)}
    for appointment_id, start in zip(ids, starts):
        event = events[f"appt-{appointment_id}@tapaamo"]
        assert event["start"] == start.astimezone(UTC)
        assert event["end"] == start.astimezone(UTC) + timedelta(minutes=90)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")
                 if str(e["UID"]).startswith("appt-")}
    assert summaries == {f"Tapaamo {team['case']} · kotikäynti",
                         f"Tapaamo {team['case']} · tapaaminen · Itäkeskus"}
    assert "Itäkeskus".encode() in response.body  # UTF-8, not escaped or mangled
    vevent = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("appt-"))
    # No link: the staff API's JSON pages need a bearer token a calendar cannot send.
    assert "URL" not in vevent and "DESCRIPTION" not in vevent
    assert vevent.decoded("DTSTAMP") == NOW and str(vevent["CLASS"]) == "PRIVATE"


def test_the_feed_has_an_etag_and_answers_304_without_a_body(client, team):
    staff_book(client, team, helsinki(2026, 2, 10, 9, 0))
    path = feed_path(client, team["auth"], team["worker"])
    first = get(client, path)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and etag.endswith('-20260202"')
    assert "private" in first.headers["Cache-Control"]
    again = get(client, path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.body == b""
    assert again.headers["ETag"] == etag
    assert get(client, path, **{"If-None-Match": '"stale"'}).status_code == 200


def test_the_same_data_gives_the_same_bytes_later(client, team, clock):
    staff_book(client, team, helsinki(2026, 2, 10, 9, 0))
    path = feed_path(client, team["auth"], team["worker"])
    first = get(client, path).body
    clock.shift(timedelta(hours=5))
    assert get(client, path).body == first


def test_a_cancellation_through_the_api_shows_in_both_feeds_then_leaves(client, team, clock):
    link = team["link"]
    appointment = family_book(client, link, helsinki(2026, 2, 10, 10, 0))
    uid = f"appt-{appointment}@tapaamo"
    worker_path = feed_path(client, team["auth"], team["worker"])
    family_path = f"/book/{link}/calendar.ics"
    booked = {path: events_by_uid(get(client, path).body)[uid]
              for path in (worker_path, family_path)}
    clock.shift(timedelta(hours=1))
    status, body = call(client, "POST", f"/book/{link}/appointments/{appointment}/cancel", {})
    assert status == 200 and body["status"] == "cancelled", body
    for path in (worker_path, family_path):
        ics = get(client, path).body
        cancelled = events_by_uid(ics)[uid]
        assert cancelled["status"] == "CANCELLED"
        assert cancelled["sequence"] > booked[path]["sequence"]
        assert b"TRANSP:TRANSPARENT" in ics
        vevent = next(e for e in assert_ics_wellformed(ics).walk("VEVENT")
                      if str(e["UID"]) == uid)
        assert vevent.decoded("LAST-MODIFIED") == NOW + timedelta(hours=1)
    clock.shift(timedelta(days=30, seconds=1))
    assert uid not in events_by_uid(get(client, worker_path).body)


def test_staff_cancellation_reaches_the_worker_feed(client, team):
    appointment = staff_book(client, team, helsinki(2026, 6, 1, 10, 0))
    status, body = call(client, "POST", f"/appointments/{appointment}/cancel", team["coord"])
    assert status == 200, body
    event = events_by_uid(get(client, feed_path(client, team["auth"], team["worker"])).body)[
        f"appt-{appointment}@tapaamo"]
    assert (event["status"], event["sequence"]) == ("CANCELLED", 1)


def test_the_feed_spans_30_days_back_to_400_ahead(client, team, clock, token):
    inside = [helsinki(2026, 1, 5, 10), helsinki(2027, 3, 5, 9)]
    outside = [helsinki(2025, 12, 22, 10), helsinki(2027, 3, 10, 10)]
    clock.move_to(datetime(2025, 12, 1, 9, tzinfo=UTC))  # staff cannot book the past
    then = token("coordinator")
    ids = {staff_book(client, team, s, auth=then): s in inside for s in inside + outside}
    clock.move_to(NOW)
    uids = {e["uid"] for e in assert_parsers_agree(
        get(client, feed_path(client, team["auth"], team["worker"])).body)
        if e["uid"].startswith("appt-")}
    assert uids == {f"appt-{i}@tapaamo" for i, shown in ids.items() if shown}


def test_a_new_token_revokes_the_old_url_which_says_it_was_replaced(client, team, coord):
    old = feed_path(client, team["auth"], team["worker"])
    new = feed_path(client, coord, team["worker"])
    replaced = get(client, old)
    assert replaced.status_code == 410
    assert replaced.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"replaced by a new one" in replaced.body and len(replaced.body) < 200
    assert get(client, new).status_code == 200
    newer = feed_path(client, coord, team["worker"])
    assert [get(client, p).status_code for p in (old, new, newer)] == [410, 410, 200]


@pytest.mark.parametrize("path", [
    "/feeds/nonsense.ics", "/feeds/w-nobody.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
    "/feeds/{worker}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "/feeds/{token}",
])
def test_unknown_or_malformed_feed_tokens_are_404(client, team, path):
    token = feed_path(client, team["auth"], team["worker"]).removeprefix("/feeds/")
    path = path.format(worker=team["worker"], token=token.removesuffix(".ics"))
    response = get(client, path)
    assert response.status_code == 404
    assert team["worker"].encode() not in response.body


def test_a_worker_may_not_mint_another_workers_token(client, coord, team, token):
    other = make_worker(client, coord)
    status, body = call(client, "POST", f"/workers/{other}/feed-tokens", team["auth"])
    assert status == 403, body
    assert call(client, "POST", "/workers/nobody-here/feed-tokens", coord)[0] == 404
    assert call(client, "POST", f"/workers/{other}/feed-tokens", {})[0] == 401


def test_feeds_carry_no_names_phones_emails_or_addresses(client, coord, team):
    staff_book(client, team, helsinki(2026, 2, 10, 9, 0))
    staff_book(client, team, helsinki(2026, 2, 12, 9, 0), location=team["office"])
    worker_feed = get(client, feed_path(client, team["auth"], team["worker"])).body
    link = team["link"]
    family_feed = get(client, f"/book/{link}/calendar.ics").body
    assert family_feed.count(b"BEGIN:VEVENT") == 2
    secrets_ = ["Test Worker", "+358405550101", "040 555 0101", f"{team['worker']}@example.org",
                FAMILY_PHONE, "+358401234567", FAMILY_EMAIL]
    for feed in (worker_feed, family_feed):
        text = feed.decode().replace("\r\n ", "")  # unfold before grepping
        assert not [s for s in secrets_ if s.lower() in text.lower()]
    assert b"Toinen linja" not in worker_feed  # the office address is for the family only


def test_the_family_feed_shows_their_own_appointments_in_their_language(client, coord, team):
    mine = staff_book(client, team, helsinki(2026, 4, 2, 9, 0), location=team["office"],
                      kind="network")
    theirs = staff_book(client, team, helsinki(2026, 4, 7, 9), case=team["other"])
    link = team["link"]
    response = get(client, f"/book/{link}/calendar.ics")
    assert response.status_code == 200 and response.headers["ETag"]
    calendar = assert_ics_wellformed(response.body)
    events = assert_parsers_agree(response.body)
    assert [e["uid"] for e in events] == [f"appt-{mine}@tapaamo"]
    assert events[0]["summary"] == "Tapaamo · nätverksmöte"
    assert events[0]["start"] == helsinki(2026, 4, 2, 9, 0).astimezone(UTC)
    location = str(calendar.walk("VEVENT")[0]["LOCATION"])
    assert location == "Itäkeskus, Toinen linja 4, Helsinki"
    single = get(client, f"/book/{link}/appointments/{mine}.ics")
    assert single.status_code == 200
    assert [e["uid"] for e in assert_parsers_agree(single.body)] == [f"appt-{mine}@tapaamo"]
    assert get(client, f"/book/{link}/appointments/{theirs}.ics").status_code == 404


def test_family_calendars_need_a_live_link(client, coord, team, clock):
    expiring = issue_link(client, coord, team["case"], valid_days=1)
    revoked = issue_link(client, coord, team["case"])
    assert get(client, f"/book/{revoked}/calendar.ics").status_code == 200
    assert call(client, "DELETE", f"/cases/{team['case']}/booking-links", coord)[0] == 204
    assert get(client, f"/book/{revoked}/calendar.ics").status_code == 410
    clock.shift(timedelta(days=1, seconds=1))
    assert get(client, f"/book/{expiring}/calendar.ics").status_code == 410
    forged = f"{team['case']}.{'A' * 32}"
    assert get(client, f"/book/{forged}/calendar.ics").status_code == 404


def working_day_starts(first: date, count: int) -> list[datetime]:
    """``count`` home-visit starts, 2 h apart (90 min + travel), 07:00-17:00 on working days."""
    starts, day = [], first
    while len(starts) < count:
        if is_working_day(day):
            starts += [helsinki(day.year, day.month, day.day, h) for h in range(7, 18, 2)]
        day += timedelta(days=1)
    return starts[:count]


def write_agenda(aws, worker: str, case_id: str, starts) -> None:
    """Agenda items exactly as booking writes them, without 500 booking transactions
    (minutes on moto): ``store.appointments.agenda_item`` is booking's own writer."""
    items = [agenda_item(worker, Appointment(
        f"a{i:04d}", case_id, (worker,), start, start + timedelta(minutes=90), "home",
        f"home:{case_id}", "meeting", 90, "booked", 0, NOW, NOW, "staff", ()))
        for i, start in enumerate(starts)]
    ddb = boto3.client("dynamodb", region_name="eu-north-1")
    for at in range(0, len(items), 25):
        ddb.batch_write_item(RequestItems={aws["TAPAAMO_TABLE"]: [
            {"PutRequest": {"Item": {k: to_dynamo(v) for k, v in item.items()}}}
            for item in items[at:at + 25]]})


def test_a_500_appointment_feed_costs_at_most_two_round_trips(client, aws, team):
    path = feed_path(client, team["auth"], team["worker"])
    staff_book(client, team, helsinki(2026, 2, 3, 7))  # one through the API, as a witness
    write_agenda(aws, team["worker"], team["case"], working_day_starts(date(2026, 2, 4), 499))
    with dynamodb_requests() as calls:
        first = get(client, path)
        assert first.status_code == 200
        assert first.body.count(b"UID:appt-") == 500
        # The agenda Query (+ the on-call rota, read at most once a minute per container).
        assert len(calls) <= 2, calls
        calls.clear()
        assert get(client, path).body == first.body
    assert calls == ["Query"]


def events_by_uid(ics: bytes) -> dict:
    assert_ics_wellformed(ics)
    return {e["uid"]: e for e in assert_parsers_agree(ics)}


def test_a_fresh_containers_feed_reads_names_and_rota_in_one_batch(client, team, monkeypatch):
    from chalicelib import bootstrap

    staff_book(client, team, helsinki(2026, 2, 10, 9, 0), location=team["office"])
    path = feed_path(client, team["auth"], team["worker"])
    monkeypatch.setattr(bootstrap, "_current", None)  # a new container: nothing kept
    with dynamodb_requests() as calls:
        first = get(client, path)
        assert "· Itäkeskus".encode() in first.body
        assert calls == ["Query", "BatchGetItem"]
        calls.clear()
        assert get(client, path).body == first.body
    assert calls == ["Query"]


def test_a_renamed_office_shows_in_the_feed_once_the_kept_names_are_old(client, team, clock):
    staff_book(client, team, helsinki(2026, 2, 10, 9, 0), location=team["office"])
    path = feed_path(client, team["auth"], team["worker"])
    assert "· Itäkeskus".encode() in get(client, path).body
    status, body = call(client, "PUT", f"/offices/{team['office']}", team["coord"],
                        {"name": "Itäkeskuksen perhekeskus", "address": "Turunlinnantie 1",
                         "rooms": 2})
    assert status == 200, body
    clock.shift(timedelta(minutes=11))  # office names are kept 10 minutes per container
    renamed = get(client, path).body.replace(b"\r\n ", b"")
    assert "· Itäkeskuksen perhekeskus".encode() in renamed
