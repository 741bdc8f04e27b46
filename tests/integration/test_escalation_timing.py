"""When pages go out: a step's wait counts from its page's send, a page not sent before the
escalation moved on is dropped, a page's claim lasts seconds (pinned time, moto; a race
on DynamoDB Local)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from chalicelib.domain.delivery import PAGE_LEASE
from chalicelib.notify.delivery import deliver_due
from chalicelib.notify.providers import FakeProvider
from chalicelib.services.escalation_pages import PageDispatch
from chalicelib.services.escalations import Escalator
from chalicelib.store.deliveries import DynamoDeliveries
from tests.integration.test_escalation_flow import (T0, build_world, events, family_help,
                                                     fresh_escalator, staff_rota)
from tests.integration.test_escalation_flow import real_world, world  # noqa: F401
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

PRIMARY, SECONDARY = "+358401110001", "+358401110002"


def send_due(wiring, provider, at):
    escalator = Escalator(wiring.escalations, wiring.rota, wiring.settings)
    return deliver_due(DynamoDeliveries(), provider, at, {},
                       dispatch=PageDispatch(escalator, wiring.settings.public_url))


def texts_to(provider, phone):
    return [m.body for channel, to, m in provider.sent if to == phone]


def statuses(wiring, escalation_id, kind="escalation"):
    return sorted((n.recipient, n.status) for n in wiring.escalations.notices(escalation_id)
                  if n.kind == kind and n.channel == "sms")


@pytest.fixture
def opened(world):
    staff_rota(world, "primary", "secondary")
    return Escalator(world.escalations, world.rota, world.settings).raise_alarm(
        family_help(), T0).escalation_id


def test_a_page_sent_late_still_gets_its_whole_wait(world, opened):
    provider = FakeProvider()
    send_due(world, provider, T0 + timedelta(seconds=200))  # the outbox was down till now
    assert len(texts_to(provider, PRIMARY)) == 1
    assert fresh_escalator().sweep(T0 + timedelta(seconds=301)) == 0
    assert fresh_escalator().sweep(T0 + timedelta(seconds=499)) == 0
    assert fresh_escalator().sweep(T0 + timedelta(seconds=500)) == 1
    send_due(world, provider, T0 + timedelta(seconds=501))
    assert len(texts_to(provider, SECONDARY)) == 1
    assert "page-sent" in events(world, opened)


def test_a_page_not_sent_before_the_chain_moved_on_is_dropped_not_sent_late(world, opened):
    provider = FakeProvider()
    assert fresh_escalator().sweep(T0 + timedelta(seconds=300)) == 1  # the secondary's turn
    send_due(world, provider, T0 + timedelta(seconds=302))
    assert texts_to(provider, PRIMARY) == []
    assert len(texts_to(provider, SECONDARY)) == 1
    assert statuses(world, opened) == [(PRIMARY, "dropped"), (SECONDARY, "sent")]


def test_a_page_still_queued_at_the_ack_is_dropped(world, opened):
    provider = FakeProvider()
    fresh_escalator().acknowledge(opened, "anna", T0 + timedelta(seconds=5))
    outcomes = send_due(world, provider, T0 + timedelta(seconds=6))
    assert texts_to(provider, PRIMARY) == [] and outcomes["dropped"] == 2  # sms and e-mail
    # The family's "received" is not a page: it still goes out.
    assert [to for _, to, _ in provider.sent] == ["+358501110009"]


def test_a_page_whose_sender_died_goes_out_within_seconds(world, opened):
    deliveries, provider = DynamoDeliveries(), FakeProvider()
    for seen in deliveries.find_due(T0):
        if seen.kind == "escalation":
            assert deliveries.claim(seen, T0) is not None  # … and the sender is killed
    assert PAGE_LEASE <= timedelta(seconds=30)
    send_due(world, provider, T0 + timedelta(seconds=10))
    assert texts_to(provider, PRIMARY) == []  # still held by the dead sender's claim
    send_due(world, provider, T0 + PAGE_LEASE + timedelta(seconds=1))
    assert len(texts_to(provider, PRIMARY)) == 1


@pytest.mark.parametrize("attempt", range(4))
def test_on_dynamodb_local_a_late_send_and_the_sweep_never_both_win(real_world, attempt):
    world = real_world
    staff_rota(world, "primary", "secondary")
    escalation_id = Escalator(world.escalations, world.rota, world.settings).raise_alarm(
        family_help(), T0).escalation_id
    due = T0 + timedelta(seconds=300)
    provider, start, errors = FakeProvider(), threading.Barrier(2), []

    def run(action):
        start.wait()
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(lambda: fresh_escalator().sweep(due),)),
               threading.Thread(target=run, args=(lambda: send_due(world, provider, due),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    timeline = events(world, escalation_id)
    # Either the late send restarted the wait (and the sweep was fenced off), or the sweep
    # moved on first (and the primary's page no longer restarts anything).
    assert ("page-sent" in timeline) != (timeline.count("paged") == 2), timeline
