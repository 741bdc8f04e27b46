"""An SMS reply racing the sweeper's next step, in threads on DynamoDB Local: no page after it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from chalicelib.services.escalations import Escalator
from chalicelib.services.phone_replies import InboundReply, PhoneReplies
from tests.integration.test_escalation_flow import (T0, build_world, family_help, fresh_escalator,
                                                    pages, staff_rota)
from tests.support.ddblocal import ddb_local  # noqa: F401 - fixture


@pytest.fixture
def real_world(ddb_local):  # noqa: F811
    return build_world()


@pytest.mark.parametrize("attempt", range(5))
def test_an_ok_racing_the_next_step_never_pages_after_the_acknowledgement(real_world, attempt):
    world = real_world
    staff_rota(world, "primary", "secondary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    replies = PhoneReplies(Escalator(world.escalations, world.rota, world.settings), world.rota)
    due_at = T0 + timedelta(seconds=300)
    start, errors, outcome = threading.Barrier(2), [], []

    def run(action):
        start.wait()
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    reply = InboundReply(f"race-{attempt}", "+358401110001", "OK")
    threads = [threading.Thread(target=run, args=(lambda: escalator.sweep(due_at),)),
               threading.Thread(target=run, args=(
                   lambda: outcome.append(replies.handle(reply, due_at)),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and outcome[0].result == "acknowledged"
    timeline = world.escalations.with_timeline(opened.escalation_id)[1]
    order = [t.event for t in timeline if t.event in ("paged", "acknowledged")]
    assert order in (["paged", "acknowledged"], ["paged", "paged", "acknowledged"])
    assert len(pages(world, opened.escalation_id)) == order.count("paged")
    assert fresh_escalator().sweep(T0 + timedelta(hours=3)) == 0
