"""A group's leaders are reminded of each session (``worker_reminders``), through the public
API on moto with time pinned: one SMS per leader per reminder time, in the group's words,
however often the sweep runs, and none for a session cancelled meanwhile."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_groups import (coord, families, make_group, seat,  # noqa: F401
                                           sent, team)
from tests.integration.test_reviews_api import run_job
from harness.api import call
from harness.booking import TUESDAY

LEADER_PHONES = ("+358405550901", "+358405550902")  # the team fixture's leaders


def sweep_at(client, day, hour, minute):
    with time_machine.travel(at_local(day, hour, minute), tick=False):
        run_job(client, "sweep_notifications")


def leaders_reminders(aws) -> list[tuple[str, str]]:
    return sorted((m["to"], m["body"]) for m in sent(aws) if m["to"] in LEADER_PHONES)


def test_each_leader_is_reminded_once_per_session_and_reminder_time(client, coord, team, aws):
    group = make_group(client, coord, team, sessions=2, worker_reminders=[2, 26])
    assert group["worker_reminders"] == [26, 2]
    seat(client, families(client, coord, team, 1)[0], group["id"])
    sweep_at(client, TUESDAY, 14, 59)  # before the 2-hour reminder: only the 26-hour one
    day_before = [body for _, body in leaders_reminders(aws)]
    assert day_before == [f"Muistutus: vertaistukiryhmä {group['id']}, kokoontuminen "
                          "ti 1.12. klo 17.00, Kallio."] * 2
    for _ in range(2):  # twice: the timer's conditions let each reminder out once
        sweep_at(client, TUESDAY, 15, 1)
    assert [to for to, _ in leaders_reminders(aws)] == sorted(LEADER_PHONES * 2)
    assert all("358407" not in body for _, body in leaders_reminders(aws))  # no family


def test_a_cancelled_session_reminds_its_leaders_of_nothing(client, coord, team, aws):
    group = make_group(client, coord, team, sessions=2, worker_reminders=[2])
    second = group["sessions"][1]
    assert call(client, "POST", f"/groups/{group['id']}/sessions/{second['id']}/cancel",
                coord)[0] == 200
    sweep_at(client, TUESDAY, 15, 1)
    sweep_at(client, TUESDAY + timedelta(days=7), 15, 1)
    assert [b.split("kokoontuminen ")[1] for _, b in leaders_reminders(aws)] == [
        "ti 1.12. klo 17.00, Kallio."] * 2


def test_worker_reminders_are_hours_within_bounds(client, coord, team):
    for hours in ([0], [400], ["soon"], [1, 2, 3, 4, 5, 6]):
        status, error = call(client, "POST", "/groups", coord,
                             {"service": "tehostettu-perhetyo", "office": team["office"],
                              "workers": team["leaders"], "start": "2026-12-01T17:00:00+02:00",
                              "sessions": 1, "seats": 2, "worker_reminders": hours})
        assert (status, error["error"]["code"]) == (422, "invalid_value"), hours
