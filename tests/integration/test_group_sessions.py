"""Drop-in groups (``per_session``) through the public API on moto, time pinned: a family
takes a seat for one session at a time, each session fills on its own, and only the
families of a session are reminded of it and have it in their calendar."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_groups import (  # noqa: F401 - fixtures
    JSON,
    coord,
    families,
    listed,
    make_group,
    seat,
    sent,
    team,
)
from tests.integration.test_reviews_api import run_job
from harness.api import call
from harness.booking import TUESDAY


def leave(client, family, group_id, **body):
    return call(client, "POST", f"{family.base}/groups/{group_id}/seats/cancel", JSON, body)


def session_seats(client, coord, group_id) -> list[int]:
    status, group = call(client, "GET", f"/groups/{group_id}", coord)
    assert status == 200, group
    return [s["seats_left"] for s in group["sessions"]]


def test_each_session_of_a_drop_in_group_fills_on_its_own(client, coord, team):
    group = make_group(client, coord, team, sessions=3, seats=2, per_session=True)
    first, second, third = (s["id"] for s in group["sessions"])
    a, b, c = families(client, coord, team, 3)
    assert seat(client, a, group["id"], session=first) == (201, {"status": "seated"})
    assert seat(client, a, group["id"], session=first) == (201, {"status": "seated"})  # again
    assert seat(client, b, group["id"], session=first) == (201, {"status": "seated"})
    status, error = seat(client, c, group["id"], session=first)
    assert (status, error["error"]["code"]) == (409, "group_full")  # no line for a session
    assert seat(client, c, group["id"], session=second) == (201, {"status": "seated"})
    assert session_seats(client, coord, group["id"]) == [0, 1, 2]
    [mine] = listed(client, a)
    assert (mine["per_session"], mine["status"], mine["seats_left"]) == (True, "seated", 2)
    assert [(s["status"], s["seats_left"]) for s in mine["sessions"]] == [
        ("seated", 0), (None, 1), (None, 2)]
    assert leave(client, a, group["id"], session=first) == (200, {"status": "cancelled"})
    assert leave(client, a, group["id"], session=first)[0] == 200  # twice: a no-op
    assert seat(client, c, group["id"], session=first) == (201, {"status": "seated"})
    assert session_seats(client, coord, group["id"]) == [0, 1, 2]
    assert listed(client, a)[0]["status"] is None
    calendar = client.http.get(f"{c.base}/calendar.ics").body.decode().replace("\r\n ", "")
    assert [f"UID:appt-{s}@tapaamo" in calendar for s in (first, second, third)] == [
        True, True, False]


def test_a_seat_names_its_session_in_a_drop_in_group_and_only_there(client, coord, team):
    drop_in = make_group(client, coord, team, sessions=2, seats=1, per_session=True)
    series = make_group(client, coord, team, start=f"{TUESDAY}T08:00:00+02:00", sessions=2)
    family, = families(client, coord, team, 1)
    for group, body, code in (
            (drop_in, {}, "session_required"),
            (drop_in, {"session": "s-none"}, "invalid_value"),
            (series, {"session": series["sessions"][0]["id"]}, "invalid_value")):
        status, error = seat(client, family, group["id"], **body)
        assert (status, error["error"]["code"]) == (422, code), error
    assert seat(client, family, drop_in["id"], session="Bad id!")[0] == 422
    assert seat(client, family, drop_in["id"], session=drop_in["sessions"][1]["id"])[0] == 201
    status, error = call(client, "PATCH", f"/groups/{drop_in['id']}", coord, {"seats": 2})
    assert status == 200 and [s["seats_left"] for s in error["sessions"]] == [2, 1]
    with time_machine.travel(at_local(TUESDAY, 17, 1), tick=False):  # the first has begun
        status, error = seat(client, family, drop_in["id"],
                             session=drop_in["sessions"][0]["id"])
    assert (status, error["error"]["code"]) == (422, "group_closed")


def test_lowering_a_drop_in_groups_seats_below_a_sessions_families_is_refused(client, coord,
                                                                             team):
    group = make_group(client, coord, team, sessions=2, seats=3, per_session=True)
    for family in families(client, coord, team, 2):
        seat(client, family, group["id"], session=group["sessions"][1]["id"])
    status, error = call(client, "PATCH", f"/groups/{group['id']}", coord, {"seats": 1})
    assert (status, error["error"]["code"]) == (422, "seats_below_taken")
    assert call(client, "PATCH", f"/groups/{group['id']}", coord, {"seats": 2})[0] == 200


def one_family_per_session(client, coord, team) -> dict:
    """A drop-in group of two sessions and a family seated in each (phones ...0000 and
    ...0001)."""
    group = make_group(client, coord, team, sessions=2, seats=4, per_session=True)
    for family, session in zip(families(client, coord, team, 2), group["sessions"]):
        assert seat(client, family, group["id"], session=session["id"])[0] == 201
    return group


def test_only_the_families_of_a_session_are_reminded_of_it(client, coord, team, aws):
    one_family_per_session(client, coord, team)
    for day in (TUESDAY, TUESDAY + timedelta(days=7)):
        with time_machine.travel(at_local(day - timedelta(days=1), 17, 1), tick=False):
            run_job(client, "sweep_notifications")
    reminders = [(m["to"], m["body"].partition(" Muuta tai peru: ")[0]) for m in sent(aws)
                 if m["body"].startswith("Muistutus")]
    assert reminders == [
        ("+358407000000", "Muistutus: tapaaminen ti 1.12. klo 17.00, Kallio."),
        ("+358407000001", "Muistutus: tapaaminen ti 8.12. klo 17.00, Kallio.")]
