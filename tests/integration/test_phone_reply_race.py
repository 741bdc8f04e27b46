"""An SMS reply racing the sweeper's next step, in threads on DynamoDB Local: no page after it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.services.escalations import Escalator
from chalicelib.services.phone_replies import InboundReply, PhoneReplies
from tests.integration.test_escalation_flow import (T0, assert_nobody_paged_after_the_ack,
                                                    build_world, family_help, race, staff_rota)
from harness.ddblocal import ddb_local  # noqa: F401 - fixture


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
    due_at, outcome = T0 + timedelta(seconds=300), []
    reply = InboundReply(f"race-{attempt}", "+358401110001", "OK")
    errors = race(lambda: escalator.sweep(due_at),
                  lambda: outcome.append(replies.handle(reply, due_at)))
    assert errors == [] and outcome[0].result == "acknowledged"
    assert_nobody_paged_after_the_ack(world, opened.escalation_id)
