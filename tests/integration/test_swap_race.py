"""Two workers accepting one shift swap at the same instant, in threads on DynamoDB Local:
exactly one override, one accepter, one message to the asking worker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Worker
from chalicelib.domain.errors import Conflict
from chalicelib.domain.notification import Notification
from chalicelib.domain.oncall import Rotation
from chalicelib.services import oncall, swaps
from chalicelib.store import tx as raw
from tests.integration.test_escalation_flow import BOSS, T0, race
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

URL = "http://tapaamo.test/staff/oncall"
ASKER_PHONE = "+358401110041"


@pytest.fixture
def wiring(ddb_local):  # noqa: F811
    bootstrap._current = None
    wired = bootstrap.wiring()
    for worker_id in ("asker", "taker1", "taker2"):
        phone = ASKER_PHONE if worker_id == "asker" else None
        wired.directory.put_worker(Worker(worker_id, "X", f"{worker_id}@example.org", phone,
                                          None, ("on-call",)))
    oncall.put_rotation(wired.rota, wired.directory, BOSS,
                        Rotation("r-race", "primary", ("asker",), T0 - timedelta(days=1), 24))
    return wired


def message_queued(swap_id: str) -> bool:
    """Whether the asking worker's message is in the outbox (its id is the event's)."""
    note = Notification("swap-accepted", "sms", ASKER_PHONE, f"swap-accepted:{swap_id}")
    return raw.batch_get([(f"NOTE#{note.id}", "NOTE")], consistent=True) != {}


@pytest.mark.parametrize("attempt", range(3))
def test_two_accepts_of_one_request_give_one_override_and_one_message(wiring, attempt):
    shift = wiring.rota.load().whole_shifts_of("asker", T0, T0 + timedelta(days=5))[2]
    asked = swaps.ask_swap(wiring.rota, Actor("s", "worker", "asker"), shift, T0)
    results: list = []

    def take(worker_id):
        def run():
            try:
                results.append(swaps.accept_swap(wiring.rota, wiring.directory,
                                                 Actor("s", "worker", worker_id), asked.id, T0,
                                                 URL).accepted_by)
            except Conflict as lost:
                results.append(lost.code)
        return run

    assert race(take("taker1"), take("taker2")) == []
    assert sorted(results).count("swap_taken") == 1 and len(results) == 2
    [winner] = [r for r in results if r != "swap_taken"]
    rota = wiring.rota.load()
    covering = [o for o in rota.overrides if (o.start, o.end) == (shift.start, shift.end)]
    assert [o.worker for o in covering] == [winner]
    assert rota.swap(asked.id).accepted_by == winner
    assert message_queued(asked.id)
