"""Peer-support groups through the public API on moto, time pinned: a coordinator creates a
series, families take seats from their links, a waiting list, a freed seat with its
message (read from the local sink and its link followed), the leaders' feeds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_reviews_api import run_job
from harness.api import call, make_office, make_worker
from harness.booking import NOW, TUESDAY, at, book, make_family

JSON = {"Content-Type": "application/json"}
SERVICE = "tehostettu-perhetyo"


@pytest.fixture
def coord(client, token):
    with time_machine.travel(NOW, tick=False):
        yield token("coordinator")


@pytest.fixture
def team(client, coord):
    """An office of one room and two leaders with phones of their own."""
    office = make_office(client, coord, rooms=1, name="Kallio")
    leaders = [make_worker(client, coord, office=office, phone=p)
               for p in ("040 555 0901", "040 555 0902")]
    return {"office": office, "leaders": leaders}


def group_body(team, **overrides) -> dict:
    body = {"service": SERVICE, "office": team["office"], "workers": team["leaders"],
            "start": at(TUESDAY, 17), "minutes": 90, "sessions": 4, "seats": 6}
    return body | overrides


def make_group(client, coord, team, **overrides) -> dict:
    status, group = call(client, "POST", "/groups", coord, group_body(team, **overrides))
    assert status == 201, group
    return group


def families(client, coord, team, count, **case):
    """``count`` families (each its own phone) of one pair of workers and the office."""
    workers = [make_worker(client, coord), make_worker(client, coord)]
    return [make_family(client, coord, workers=workers, office=team["office"],
                        contact={"phone": f"040 700 {n:04d}", "language": "fi"}, **case)
            for n in range(count)]


def seat(client, family, group_id, **body):
    return call(client, "POST", f"{family.base}/groups/{group_id}/seats", JSON, body)


def listed(client, family) -> list[dict]:
    status, body = call(client, "GET", f"{family.base}/groups", {})
    assert status == 200, body
    return body["groups"]


def sent(aws) -> list[dict]:
    log = Path(aws["TAPAAMO_LOCAL_DIR"]) / "notifications.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_group_books_its_sessions_a_week_apart_at_the_same_time_across_dst(client, coord,
                                                                              team):
    group = make_group(client, coord, team, start="2027-03-23T17:00:00+02:00", sessions=2)
    assert [(s["start"], s["end"], s["seats_left"]) for s in group["sessions"]] == [
        ("2027-03-23T17:00:00+02:00", "2027-03-23T18:30:00+02:00", 6),
        ("2027-03-30T17:00:00+03:00", "2027-03-30T18:30:00+03:00", 6)]
    status, read = call(client, "GET", f"/groups/{group['id']}", coord)
    assert status == 200 and read == group
    assert (read["every_days"], read["seats_left"], read["waiting"]) == (7, 6, 0)


def test_six_seats_fill_from_six_families_a_seventh_waits_and_a_freed_seat_moves_it_in(
        client, coord, team, aws):
    group = make_group(client, coord, team)
    seven = families(client, coord, team, 7)
    assert [(g["id"], g["status"], g["seats_left"]) for g in listed(client, seven[0])] == [
        (group["id"], None, 6)]
    for family in seven[:6]:
        assert seat(client, family, group["id"]) == (201, {"status": "seated"})
    assert seat(client, seven[6], group["id"]) == (201, {"status": "waiting"})
    assert seat(client, seven[6], group["id"]) == (201, {"status": "waiting"})  # asked again
    assert seat(client, seven[0], group["id"]) == (201, {"status": "seated"})
    [mine] = listed(client, seven[6])
    assert (mine["status"], mine["seats_left"]) == ("waiting", 0)
    assert set(mine) == {"id", "service", "office", "minutes", "seats_left", "status",
                         "per_session", "sessions"}  # nothing about other families
    status, body = call(client, "POST", f"{seven[2].base}/groups/{group['id']}/seats/cancel",
                        JSON)
    assert (status, body) == (200, {"status": "cancelled"})
    assert listed(client, seven[6])[0]["status"] == "seated"
    assert listed(client, seven[2])[0]["status"] is None
    run_job(client, "sweep_notifications")
    [message] = [m for m in sent(aws) if m["to"] == "+358407000006"]
    text, _, link = message["body"].partition(" Katso: ")
    assert text == "Sait paikan vertaistukiryhmästä: ti 1.12. klo 17.00, Kallio."
    page = client.http.get(link.removeprefix("http://tapaamo.test"))
    assert page.status_code == 200
    assert "Vertaistukiryhmä" in page.body.decode() and "Sinulla on paikka" in page.body.decode()
    assert not [m for m in sent(aws) if m["to"] == "+358407000002"]  # who left is not told
    status, read = call(client, "GET", f"/groups/{group['id']}", coord)
    assert (read["seats_left"], read["waiting"]) == (0, 0)


def test_a_full_group_answers_409_when_the_family_will_not_wait(client, coord, team):
    group = make_group(client, coord, team, seats=1)
    first, second = families(client, coord, team, 2)
    assert seat(client, first, group["id"], waiting_list=False)[0] == 201
    status, error = seat(client, second, group["id"], waiting_list=False)
    assert (status, error["error"]["code"]) == (409, "group_full")
    assert seat(client, second, group["id"], waiting_list="no")[0] == 422


def test_a_waiting_family_that_leaves_the_line_is_not_moved_in(client, coord, team, aws):
    group = make_group(client, coord, team, seats=1)
    first, second, third = families(client, coord, team, 3)
    for family in (first, second, third):
        seat(client, family, group["id"])
    call(client, "POST", f"{second.base}/groups/{group['id']}/seats/cancel", JSON)
    call(client, "POST", f"{first.base}/groups/{group['id']}/seats/cancel", JSON)
    assert [listed(client, f)[0]["status"] for f in (first, second, third)] == [
        None, None, "seated"]
    # Leaving twice is a no-op.
    assert call(client, "POST", f"{first.base}/groups/{group['id']}/seats/cancel",
                JSON)[0] == 200


def test_more_seats_go_to_the_families_in_line_first_come_first_served(client, coord, team):
    group = make_group(client, coord, team, seats=1)
    line = families(client, coord, team, 4)
    for family in line:
        seat(client, family, group["id"])
    status, changed = call(client, "PATCH", f"/groups/{group['id']}", coord, {"seats": 3})
    assert status == 200, changed
    assert (changed["seats_left"], changed["waiting"]) == (0, 1)
    assert [listed(client, f)[0]["status"] for f in line] == [
        "seated", "seated", "seated", "waiting"]
    status, error = call(client, "PATCH", f"/groups/{group['id']}", coord, {"seats": 2})
    assert (status, error["error"]["code"]) == (422, "seats_below_taken")


def test_families_of_other_services_or_not_invited_neither_see_nor_join(client, coord, team):
    open_group = make_group(client, coord, team)
    member, stranger = families(client, coord, team, 2)
    other_service = families(client, coord, team, 1, service="perhetyo")[0]
    invited = make_group(client, coord, team, start=at(TUESDAY, 8), cases=[member.case])
    assert [g["id"] for g in listed(client, member)] == [invited["id"], open_group["id"]]
    assert [g["id"] for g in listed(client, stranger)] == [open_group["id"]]
    assert listed(client, other_service) == []
    assert seat(client, stranger, invited["id"])[0] == 404
    assert seat(client, other_service, open_group["id"])[0] == 404
    assert seat(client, stranger, "g-none")[0] == 404
    status, _ = call(client, "PATCH", f"/groups/{invited['id']}", coord,
                     {"cases": [stranger.case]})
    assert status == 200
    assert [g["id"] for g in listed(client, stranger)] == [invited["id"], open_group["id"]]
    assert [g["id"] for g in listed(client, member)] == [open_group["id"]]


def test_sessions_hold_the_leaders_and_the_room_like_any_booking(client, coord, team):
    make_group(client, coord, team)
    led = make_family(client, coord, workers=[team["leaders"][0]], office=team["office"])
    status, error = call(client, "POST", "/appointments", coord,
                         {"case": led.case, "start": at(TUESDAY, 17), "location": "home"})
    assert (status, error["error"]["code"]) == (409, "slot_taken")
    other = make_family(client, coord, office=team["office"])  # the one room is taken
    status, error = call(client, "POST", "/appointments", coord,
                         {"case": other.case, "start": at(TUESDAY, 17, 30),
                          "location": team["office"]})
    assert (status, error["error"]["code"]) == (409, "slot_taken")
    assert book(client, other, at(TUESDAY, 17), "home")[0] == 201  # at home: no room needed
    status, error = call(client, "POST", "/groups", coord, group_body(team))
    assert (status, error["error"]["code"]) == (409, "slot_taken")


@pytest.mark.parametrize("change, code", [
    ({"start": at(TUESDAY, 19)}, "outside_working_hours"),
    ({"start": at(TUESDAY, 17, 10)}, "off_grid"),
    ({"start": at(TUESDAY - timedelta(days=14), 17)}, "too_soon"),
    ({"start": "2026-12-24T10:00:00+02:00"}, "holiday"),
    ({"workers": ["w-nobody"]}, "invalid_value"),
    ({"office": "no-office"}, "invalid_value"),
    ({"sessions": 13}, "invalid_value"),
    ({"seats": 0}, "invalid_value"),
    ({"workers": []}, "invalid_value"),
    ({"service": "sauna"}, "invalid_value"),
    ({"color": "red"}, "invalid_value"),
])
def test_a_group_that_breaks_a_rule_is_refused_with_422(client, coord, team, change, code):
    status, error = call(client, "POST", "/groups", coord, group_body(team, **change))
    assert (status, error["error"]["code"]) == (422, code), error


def test_only_coordinators_create_or_change_and_only_leaders_read(client, coord, team, token):
    worker = token("worker", team["leaders"][0])
    assert call(client, "POST", "/groups", worker, group_body(team))[0] == 403
    group = make_group(client, coord, team)
    assert call(client, "GET", f"/groups/{group['id']}", worker)[0] == 200
    stranger = token("worker", make_worker(client, coord))
    assert call(client, "GET", f"/groups/{group['id']}", stranger)[0] == 404
    assert call(client, "PATCH", f"/groups/{group['id']}", worker, {"seats": 9})[0] == 403
    assert call(client, "GET", "/groups/g-none", coord)[0] == 404
    assert call(client, "POST", "/groups", coord, "[1")[0] == 400


def test_both_leaders_feeds_show_each_session_and_nothing_of_the_families(client, coord, team,
                                                                           token):
    group = make_group(client, coord, team, sessions=2)
    family = families(client, coord, team, 1)[0]
    seat(client, family, group["id"])
    for leader in team["leaders"]:
        status, body = call(client, "POST", f"/workers/{leader}/feed-tokens", coord)
        assert status == 201, body
        feed = client.http.get(body["url"].removeprefix("http://tapaamo.test")).body.decode()
        unfolded = feed.replace("\r\n ", "")
        for session in group["sessions"]:
            assert f"UID:appt-{session['id']}@tapaamo" in unfolded
        assert f"SUMMARY:Tapaamo {group['id']} · ryhmätapaaminen · Kallio" in unfolded
        assert family.case not in unfolded and "358407" not in unfolded
    status, body = call(client, "GET", f"/workers/{team['leaders'][1]}/appointments", coord)
    assert [(a["kind"], a["start"]) for a in body["appointments"]] == [
        ("group", s["start"]) for s in group["sessions"]]


def test_seated_families_are_reminded_of_a_session_a_day_before_and_others_are_not(
        client, coord, team, aws):
    group = make_group(client, coord, team, sessions=2)
    seated, waiting, other = families(client, coord, team, 3)
    call(client, "PATCH", f"/groups/{group['id']}", coord, {"seats": 1})
    seat(client, seated, group["id"])
    seat(client, waiting, group["id"])
    with time_machine.travel(at_local(TUESDAY - timedelta(days=1), 17, 1), tick=False):
        run_job(client, "sweep_notifications")
        run_job(client, "sweep_notifications")  # a second sweep sends nothing again
    reminders = [(m["to"], m["body"]) for m in sent(aws) if m["body"].startswith("Muistutus")]
    [(to, body)] = reminders
    text, _, link = body.partition(" Muuta tai peru: ")
    assert (to, text) == ("+358407000000", "Muistutus: tapaaminen ti 1.12. klo 17.00, Kallio.")
    assert link.startswith(f"http://tapaamo.test/book/{seated.case}.")
    status, listed = call(client, "GET", f"/notifications?case={seated.case}", coord)
    assert [n["kind"] for n in listed["notifications"]] == ["reminder"]


def test_a_seated_familys_own_calendar_has_the_sessions_and_a_waiting_one_does_not(
        client, coord, team):
    group = make_group(client, coord, team, sessions=2, seats=1)
    seated, waiting = families(client, coord, team, 2)
    seat(client, seated, group["id"])
    seat(client, waiting, group["id"])
    calendars = [client.http.get(f"{f.base}/calendar.ics").body.decode().replace("\r\n ", "")
                 for f in (seated, waiting)]
    for session in group["sessions"]:
        assert f"UID:appt-{session['id']}@tapaamo" in calendars[0]
        assert f"UID:appt-{session['id']}@tapaamo" not in calendars[1]
    assert "SUMMARY:Tapaamo · ryhmätapaaminen" in calendars[0]
