"""Escalations end to end on moto with pinned time, driven by sweeps only (no memory)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case, Contact, Worker
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import Rotation
from chalicelib.services import oncall
from chalicelib.services.escalations import Escalator, HelpRequest
from chalicelib.store.table import reset_connections
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 02:30 Helsinki, half an hour before DST
BOSS = Actor("test", "coordinator")
POLICY = Policy((Step("primary", 300), Step("secondary", 600)), repeat=1)


def fresh_escalator() -> Escalator:
    """What a newly started process builds: nothing carried over in memory."""
    bootstrap._current = None
    reset_connections()
    wiring = bootstrap.wiring()
    return Escalator(wiring.escalations, wiring.rota, wiring.settings)


@pytest.fixture
def world(aws):
    return build_world()


@pytest.fixture
def real_world(ddb_local):
    """The same on DynamoDB Local: moto applies a conditional write without a lock, so
    only a real engine can show that an ack and a step never both win."""
    return build_world()


def build_world():
    bootstrap._current = None
    wiring = bootstrap.wiring()
    for worker_id, phone in (("anna", "+358401110001"), ("ben", "+358401110002")):
        wiring.directory.put_worker(Worker(worker_id, "X", f"{worker_id}@example.org", phone,
                                           None, ("on-call",)))
    wiring.directory.save_case(Case("kcase1", "perhetyo", ("anna",), date(2026, 1, 5), 90, 1,
                                    ("home",), Contact("+358501110009", None, "sv"),
                                    created_at=T0, updated_at=T0))
    oncall.put_policy(wiring.rota, wiring.directory, BOSS, POLICY)
    return wiring


def staff_rota(wiring, *levels):
    for level, worker in zip(("primary", "secondary"), ("anna", "ben")):
        if level in levels:
            oncall.put_rotation(wiring.rota, wiring.directory, BOSS,
                                Rotation(f"r-{level}", level, (worker,), T0 - timedelta(days=7),
                                         24))


def family_help(case="kcase1"):
    return HelpRequest(source="family", case_id=case, message="please call",
                       family_phone="+358501110009", language="sv")


def sent(wiring, escalation_id, kind=None):
    notes = wiring.escalations.notices(escalation_id)
    return [(n.kind, n.channel, n.recipient) for n in notes if kind in (None, n.kind)]


def pages(wiring, escalation_id):
    return [r for k, c, r in sent(wiring, escalation_id, "escalation") if c == "sms"]


def events(wiring, escalation_id):
    return [t.event for t in wiring.escalations.with_timeline(escalation_id)[1]]


def sweep_until_done(escalation_id, start=T0, limit=20):
    """Sweep at each due time, each time as a freshly started process."""
    for _ in range(limit):
        record = fresh_escalator().store.get(escalation_id)
        if record.escalation.next_action_at is None:
            return
        fresh_escalator().sweep(record.escalation.next_action_at)
    raise AssertionError("the escalation never finished")


def test_an_unacknowledged_escalation_walks_every_step_repeats_then_sends_the_fallback(world):
    staff_rota(world, "primary", "secondary")
    opened = Escalator(world.escalations, world.rota, world.settings).raise_alarm(family_help(), T0)
    assert pages(world, opened.escalation_id) == ["+358401110001"]
    sweep_until_done(opened.escalation_id)
    assert pages(world, opened.escalation_id) == ["+358401110001", "+358401110002",
                                                  "+358401110001", "+358401110002"]
    family = sent(world, opened.escalation_id, "escalation-fallback")
    assert family == [("escalation-fallback", "sms", "+358501110009")]
    assert events(world, opened.escalation_id)[-1] == "fallback-sent"
    # Nothing more happens however often the sweeper runs, and the case is free again.
    assert fresh_escalator().sweep(T0 + timedelta(days=1)) == 0
    assert world.escalations.open_escalation_of("kcase1") is None


def test_a_page_carries_a_short_code_and_a_page_reference_but_not_the_message(world):
    staff_rota(world, "primary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    from chalicelib.store.outbox import OutboxItem
    notes = [OutboxItem.get(f"NOTE#{n.id}", "NOTE") for n in world.escalations.notices(
        opened.escalation_id) if n.kind == "escalation"]
    assert {n.channel for n in notes} == {"sms", "email"}
    for note in notes:
        # The link is made when the page is sent (the outbox holds no token: it used to
        # hold ``ack_url`` with the raw token, which acknowledged from a table dump).
        assert note.params.as_dict() == {"code": opened.escalation_id[:6].upper(),
                                         "case": "kcase1", "callback": "", "page": "0.0"}
    received = sent(world, opened.escalation_id, "escalation-received")
    assert received == [("escalation-received", "sms", "+358501110009")]


def test_an_ack_between_steps_stops_the_chain(world):
    staff_rota(world, "primary", "secondary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    escalator.acknowledge(opened.escalation_id, "anna", T0 + timedelta(seconds=60))
    assert fresh_escalator().sweep(T0 + timedelta(hours=2)) == 0
    assert pages(world, opened.escalation_id) == ["+358401110001"]
    assert sent(world, opened.escalation_id, "escalation-fallback") == []


def test_a_sweep_that_read_before_the_ack_pages_nobody_after_it(world):
    staff_rota(world, "primary", "secondary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    due_at = T0 + timedelta(seconds=300)
    read_due = world.escalations.due

    def due_then_ack(now):
        stale = read_due(now)  # the sweeper has read the open escalation …
        escalator.acknowledge(opened.escalation_id, "anna", now)  # … then the ack lands
        return stale

    racing = Escalator(world.escalations, world.rota, world.settings)
    racing.store = type("Racing", (), {"due": staticmethod(due_then_ack)})()
    assert racing.sweep(due_at) == 0
    assert pages(world, opened.escalation_id) == ["+358401110001"]
    assert world.escalations.get(opened.escalation_id).escalation.status == "acknowledged"


def race(*actions) -> list[Exception]:
    """Run ``actions`` in threads let go at the same instant; the errors they raised."""
    start, errors = threading.Barrier(len(actions)), []

    def run(action):
        start.wait()
        try:
            action()
        except Exception as error:  # noqa: BLE001 - returned to the test's assertion
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_nobody_paged_after_the_ack(world, escalation_id) -> None:
    timeline = world.escalations.with_timeline(escalation_id)[1]
    order = [t.event for t in timeline if t.event in ("paged", "acknowledged")]
    assert order in (["paged", "acknowledged"], ["paged", "paged", "acknowledged"])
    assert len(pages(world, escalation_id)) == order.count("paged")
    assert fresh_escalator().sweep(T0 + timedelta(hours=3)) == 0


@pytest.mark.parametrize("attempt", range(5))
def test_ack_and_sweeper_in_parallel_threads_never_page_after_the_ack(real_world, attempt):
    world = real_world
    staff_rota(world, "primary", "secondary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    due_at = T0 + timedelta(seconds=300)
    errors = race(lambda: escalator.sweep(due_at),
                  lambda: escalator.acknowledge(opened.escalation_id, "anna", due_at))
    assert errors == []
    assert_nobody_paged_after_the_ack(world, opened.escalation_id)


def test_a_step_with_nobody_on_call_is_skipped_at_once(world):
    staff_rota(world, "secondary")
    opened = Escalator(world.escalations, world.rota, world.settings).raise_alarm(
        family_help(), T0)
    assert pages(world, opened.escalation_id) == ["+358401110002"]
    assert events(world, opened.escalation_id)[:3] == ["opened", "skipped", "paged"]


def test_a_restart_mid_escalation_carries_on_from_the_stored_timer(world):
    staff_rota(world, "primary", "secondary")
    opened = Escalator(world.escalations, world.rota, world.settings).raise_alarm(
        family_help(), T0)
    assert fresh_escalator().sweep(T0 + timedelta(seconds=299)) == 0
    assert fresh_escalator().sweep(T0 + timedelta(seconds=301)) == 1
    assert fresh_escalator().sweep(T0 + timedelta(seconds=302)) == 0  # a duplicate wake-up
    assert pages(world, opened.escalation_id) == ["+358401110001", "+358401110002"]


def test_a_second_request_for_the_case_joins_the_open_escalation(world):
    staff_rota(world, "primary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    first = escalator.raise_alarm(family_help(), T0)
    second = escalator.raise_alarm(family_help(), T0 + timedelta(seconds=30))
    assert (second.escalation_id, second.added_to_open) == (first.escalation_id, True)
    assert pages(world, first.escalation_id) == ["+358401110001"]
    assert len(sent(world, first.escalation_id, "escalation-received")) == 2


def test_resolving_frees_the_case_for_a_new_escalation(world):
    staff_rota(world, "primary")
    escalator = Escalator(world.escalations, world.rota, world.settings)
    first = escalator.raise_alarm(family_help(), T0)
    escalator.acknowledge(first.escalation_id, "anna", T0)
    escalator.resolve(first.escalation_id, "called-back", "anna", T0 + timedelta(minutes=5))
    second = escalator.raise_alarm(family_help(), T0 + timedelta(minutes=10))
    assert second.escalation_id != first.escalation_id and not second.added_to_open


def test_help_with_nobody_on_call_at_all_tells_the_family_the_fallback_at_once(world):
    escalator = Escalator(world.escalations, world.rota, world.settings)
    opened = escalator.raise_alarm(family_help(), T0)
    assert pages(world, opened.escalation_id) == []
    assert sorted(k for k, c, r in sent(world, opened.escalation_id)) == [
        "escalation-fallback", "escalation-received"]
    # The case is not left holding an escalation nobody will ever acknowledge.
    again = escalator.raise_alarm(family_help(), T0 + timedelta(minutes=1))
    assert again.escalation_id != opened.escalation_id and not again.added_to_open
