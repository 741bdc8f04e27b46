"""On-call set-up through the public API: workers with phones in a rota, a short policy."""

from __future__ import annotations

from harness.api import call, make_worker, unique

POLICY = {"steps": [{"notify": "primary", "wait_seconds": 300},
                    {"notify": "secondary", "wait_seconds": 300}], "repeat": 0}


def on_call(client, coord, level: str, phone: str) -> str:
    """A new worker on call at ``level`` around the clock (shifts since 2020); their id."""
    worker = make_worker(client, coord, phone=phone)
    status, body = call(client, "POST", "/oncall/rotations", coord,
                        {"id": unique("r"), "level": level, "workers": [worker],
                         "start": "2020-01-06T08:00:00+02:00", "shift_hours": 168})
    assert status == 201, body
    return worker


def two_step_policy(client, coord) -> None:
    """Primary, then secondary, five minutes each, no repeat."""
    status, body = call(client, "PUT", "/oncall/policy", coord, POLICY)
    assert status == 200, body
