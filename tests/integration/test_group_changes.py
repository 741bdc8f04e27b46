"""A coordinator moves sessions ahead, or gives a group new leaders, with ``PATCH
/groups/{id}``, through the public API on moto with time pinned: the calendars are held in
the same transaction (409 on a conflict, nothing changed), and the families seated in a
moved session get one message (read from the local sink, its link followed)."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_groups import (coord, families, make_group, seat,  # noqa: F401
                                           sent, team)
from tests.integration.test_reviews_api import run_job
from harness.api import call, make_worker
from harness.booking import TUESDAY, at, make_family

WEDNESDAY = TUESDAY + timedelta(days=8)  # the day after the second session


def patch(client, coord, group, body):
    return call(client, "PATCH", f"/groups/{group['id']}", coord, body)


def agenda(client, coord, worker) -> list[tuple[str, str]]:
    status, body = call(client, "GET", f"/workers/{worker}/appointments", coord)
    assert status == 200, body
    return [(a["start"], a["status"]) for a in body["appointments"] if a["kind"] == "group"]


def test_a_moved_session_holds_the_new_time_and_its_families_are_told_once(client, coord,
                                                                          team, aws):
    group = make_group(client, coord, team, sessions=3, seats=1)
    seated, waiting = families(client, coord, team, 2)
    seat(client, seated, group["id"])
    seat(client, waiting, group["id"])
    first, second, third = group["sessions"]
    status, changed = patch(client, coord, group, {
        "sessions": [{"id": second["id"], "start": at(WEDNESDAY, 16)}]})
    assert status == 200, changed
    assert [s["start"] for s in changed["sessions"]] == [
        first["start"], at(WEDNESDAY, 16), third["start"]]
    assert changed["sessions"][1]["id"] != second["id"]  # a new appointment
    assert agenda(client, coord, team["leaders"][0]) == [
        (first["start"], "booked"), (second["start"], "cancelled"),
        (at(WEDNESDAY, 16), "booked"), (third["start"], "booked")]
    run_job(client, "sweep_notifications")
    run_job(client, "sweep_notifications")
    [message] = [m for m in sent(aws) if "siirtyi" in m["body"]]
    text, _, link = message["body"].partition(" Katso: ")
    assert (message["to"], text) == (
        "+358407000000", "Ryhmä siirtyi: ke 9.12. klo 16.00, Kallio (oli ti 8.12. klo 17.00).")
    page = client.http.get(link.removeprefix("http://tapaamo.test")).body.decode()
    assert "ke 9.12." in page and "ti 8.12." not in page
    calendar = client.http.get(f"{seated.base}/calendar.ics").body.decode()
    assert f"appt-{changed['sessions'][1]['id']}@tapaamo" in calendar.replace("\r\n ", "")


def test_a_move_onto_a_leaders_meeting_is_409_and_changes_nothing(client, coord, team):
    group = make_group(client, coord, team, sessions=2)
    led = make_family(client, coord, workers=[team["leaders"][1]], office=team["office"])
    assert call(client, "POST", "/appointments", coord, {
        "case": led.case, "start": at(WEDNESDAY, 16), "location": "home"})[0] == 201
    status, error = patch(client, coord, group, {
        "sessions": [{"id": group["sessions"][1]["id"], "start": at(WEDNESDAY, 16)}],
        "seats": 9})
    assert (status, error["error"]["code"]) == (409, "slot_taken")
    assert call(client, "GET", f"/groups/{group['id']}", coord)[1] == group


def test_new_leaders_take_every_session_ahead_and_nobody_is_told(client, coord, team, aws,
                                                                 token):
    group = make_group(client, coord, team, sessions=2)
    family, = families(client, coord, team, 1)
    seat(client, family, group["id"])
    newcomer = make_worker(client, coord, office=team["office"])
    with time_machine.travel(at_local(TUESDAY, 18), tick=False):  # the first is under way
        coord = token("coordinator")
        status, changed = patch(client, coord, group, {"workers": [team["leaders"][0],
                                                                   newcomer]})
        assert status == 200, changed
        assert changed["sessions"][0]["id"] == group["sessions"][0]["id"]  # begun: kept
        assert agenda(client, coord, newcomer) == [(group["sessions"][1]["start"], "booked")]
        assert agenda(client, coord, team["leaders"][1]) == [
            (group["sessions"][0]["start"], "booked"), (group["sessions"][1]["start"],
                                                        "cancelled")]
        run_job(client, "sweep_notifications")
    assert not [m for m in sent(aws) if "siirtyi" in m["body"]]


def test_moves_that_cannot_be_are_refused_before_anything_is_written(client, coord, team,
                                                                     token):
    group = make_group(client, coord, team, sessions=2)
    second = group["sessions"][1]["id"]
    worker = token("worker", team["leaders"][0])
    assert patch(client, worker, group, {"sessions": "nonsense"})[0] == 403
    for body, code in (
            ({"sessions": [{"id": "s-none", "start": at(WEDNESDAY, 16)}]}, "invalid_value"),
            ({"sessions": [{"id": second, "start": at(WEDNESDAY, 16, 10)}]}, "off_grid"),
            ({"sessions": [{"id": second, "start": "2199-01-01T10:00:00+02:00"}]},
             "invalid_value"),
            ({"sessions": [{"id": second, "start": group["sessions"][0]["start"]}]},
             "invalid_value"),
            ({"workers": ["w-nobody"]}, "invalid_value"),
            ({"office": None}, "invalid_value")):
        status, error = patch(client, coord, group, body)
        assert (status, error["error"]["code"]) == (422, code), (body, error)
    drop_in = make_group(client, coord, team, start=at(TUESDAY, 8), sessions=2,
                         per_session=True)
    seat(client, families(client, coord, team, 1)[0], drop_in["id"],
         session=drop_in["sessions"][1]["id"])
    status, error = patch(client, coord, drop_in, {
        "sessions": [{"id": drop_in["sessions"][1]["id"], "start": at(WEDNESDAY, 8)}]})
    assert (status, error["error"]["code"]) == (422, "session_has_seats")
    assert call(client, "GET", f"/groups/{group['id']}", coord)[1] == group
