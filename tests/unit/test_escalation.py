"""The escalation state machine: steps, repeats, skips, the fallback, acks and resolves."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import Conflict, Invalid, Rejected
from chalicelib.domain.escalation import (
    FamilyFallback, FamilyReceived, Page, Policy, Skipped, Step, acknowledge, advance,
    open_escalation, page_wanted, page_went_out, policy_from_dict, policy_to_dict, resolve,
)

T0 = datetime(2026, 10, 25, 0, 55, tzinfo=UTC)  # 03:55 summer time, minutes before the fold
POLICY = Policy((Step("primary", 300), Step("secondary", 600)), repeat=1)
ROTA = {"primary": "anna", "secondary": "ben"}


def everyone(target, at):
    return ROTA.get(target) or target.removeprefix("worker:")


def nobody_secondary(target, at):
    return None if target == "secondary" else everyone(target, at)


def pages(actions):
    return [(a.worker_id, a.step_index, a.pass_number) for a in actions if isinstance(a, Page)]


def run_to_the_end(escalation, who=everyone):
    """Advance exactly at each due time until nothing is scheduled; all actions in order."""
    actions = []
    while escalation.next_action_at is not None:
        escalation, more = advance(escalation, escalation.next_action_at, who)
        actions += more
    return escalation, actions


def test_opening_tells_the_family_and_pages_step_one_at_once():
    escalation, actions = open_escalation("e1", POLICY, T0, everyone)
    assert actions == [FamilyReceived(), Page("anna", 0, 0)]
    assert (escalation.status, escalation.version) == ("open", 1)
    assert escalation.next_action_at == T0 + timedelta(seconds=300)
    assert escalation.target == "primary"


def test_an_unacknowledged_escalation_walks_every_step_repeats_then_falls_back_once():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    escalation, actions = run_to_the_end(escalation)
    assert pages(actions) == [("ben", 1, 0), ("anna", 0, 1), ("ben", 1, 1)]
    assert actions[-1] == FamilyFallback() and actions.count(FamilyFallback()) == 1
    assert escalation.fallback_sent and escalation.status == "unanswered"
    assert advance(escalation, T0 + timedelta(days=1), everyone) == (escalation, [])


def test_waits_are_real_seconds_across_the_autumn_dst_change():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    later, _ = advance(escalation, escalation.next_action_at, everyone)
    assert later.next_action_at - T0 == timedelta(seconds=900)


def test_the_fallback_comes_when_the_last_steps_wait_has_passed():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    for _ in range(3):
        escalation, _ = advance(escalation, escalation.next_action_at, everyone)
    last_page_wait_ends = escalation.next_action_at
    assert advance(escalation, last_page_wait_ends - timedelta(seconds=1), everyone)[1] == []
    assert advance(escalation, last_page_wait_ends, everyone)[1] == [FamilyFallback()]


def test_an_ack_between_steps_stops_the_chain():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    acked = acknowledge(escalation, "anna", T0 + timedelta(seconds=60))
    assert (acked.status, acked.acknowledged_by, acked.next_action_at) == ("acknowledged", "anna", None)
    assert acked.version == escalation.version + 1
    assert advance(acked, T0 + timedelta(hours=1), everyone) == (acked, [])


def test_a_step_with_nobody_on_call_is_skipped_in_the_same_advance():
    escalation, _ = open_escalation("e1", POLICY, T0, nobody_secondary)
    due = escalation.next_action_at
    escalation, actions = advance(escalation, due, nobody_secondary)
    assert actions == [Skipped("secondary", 1, 0), Page("anna", 0, 1)]
    assert escalation.next_action_at == due + timedelta(seconds=300)


def test_with_nobody_reachable_the_family_gets_the_fallback_on_opening():
    escalation, actions = open_escalation("e1", POLICY, T0, lambda target, at: None)
    assert actions[0] == FamilyReceived() and actions[-1] == FamilyFallback()
    assert [a for a in actions if isinstance(a, Skipped)] == [
        Skipped("primary", 0, 0), Skipped("secondary", 1, 0),
        Skipped("primary", 0, 1), Skipped("secondary", 1, 1)]
    assert escalation.next_action_at is None and escalation.fallback_sent


def test_advance_before_the_due_time_changes_nothing_however_often_it_runs():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    for seconds in (0, 1, 299, 299):
        assert advance(escalation, T0 + timedelta(seconds=seconds), everyone) == (escalation, [])


def test_a_late_sweep_pages_one_step_and_waits_from_the_moment_it_paged():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    late = T0 + timedelta(hours=2)
    escalation, actions = advance(escalation, late, everyone)
    assert pages(actions) == [("ben", 1, 0)]
    assert escalation.next_action_at == late + timedelta(seconds=600)


def test_a_named_worker_step_pages_that_worker():
    policy = Policy((Step("worker:w9", 60),), repeat=0)
    assert pages(open_escalation("e1", policy, T0, everyone)[1]) == [("w9", 0, 0)]


def test_acknowledging_twice_or_after_resolving_is_a_conflict():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    acked = acknowledge(escalation, "anna", T0)
    with pytest.raises(Conflict) as error:
        acknowledge(acked, "ben", T0)
    assert error.value.code == "already_acknowledged"
    with pytest.raises(Conflict) as error:
        acknowledge(resolve(acked, "called-back", "anna", T0), "anna", T0)
    assert error.value.code == "already_resolved"


def test_resolving_records_the_outcome_and_stops_an_open_escalation():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    done = resolve(escalation, "referred", "ben", T0 + timedelta(minutes=3))
    assert (done.status, done.outcome, done.resolved_by, done.next_action_at) == (
        "resolved", "referred", "ben", None)
    with pytest.raises(Conflict):
        resolve(done, "no-answer", "ben", T0)


def test_an_unknown_outcome_is_invalid():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    with pytest.raises(Invalid) as error:
        resolve(escalation, "solved", "ben", T0)
    assert error.value.field == "outcome"


def test_a_policy_round_trips_through_its_json():
    data = {"steps": [{"notify": "primary", "wait_seconds": 300},
                      {"notify": "worker:w7", "wait_seconds": 0}], "repeat": 2}
    assert policy_to_dict(policy_from_dict(data)) == data


@pytest.mark.parametrize("data, error, field", [
    ({"steps": "primary", "repeat": 0}, Invalid, "steps"),
    ({"steps": [], "repeat": 0}, Rejected, "steps"),
    ({"steps": ["primary"], "repeat": 0}, Invalid, "steps[0]"),
    ({"steps": [{"notify": "boss", "wait_seconds": 1}], "repeat": 0}, Invalid, "steps[0].notify"),
    ({"steps": [{"notify": "worker:", "wait_seconds": 1}], "repeat": 0}, Invalid, "steps[0].notify"),
    ({"steps": [{"notify": "primary", "wait_seconds": "5"}], "repeat": 0},
     Invalid, "steps[0].wait_seconds"),
    ({"steps": [{"notify": "primary", "wait_seconds": True}], "repeat": 0},
     Invalid, "steps[0].wait_seconds"),
    ({"steps": [{"notify": "primary", "wait_seconds": -1}], "repeat": 0},
     Rejected, "steps[0].wait_seconds"),
    ({"steps": [{"notify": "primary", "wait_seconds": 1}], "repeat": 1.0}, Invalid, "repeat"),
    ({"steps": [{"notify": "primary", "wait_seconds": 1}], "repeat": 11}, Rejected, "repeat"),
])
def test_a_bad_policy_is_refused_naming_its_field(data, error, field):
    with pytest.raises(error) as raised:
        policy_from_dict(data)
    assert raised.value.field == field


policies = st.builds(
    Policy,
    st.lists(st.builds(Step, st.sampled_from(["primary", "secondary", "worker:w1"]),
                       st.integers(0, 900)), min_size=1, max_size=4).map(tuple),
    st.integers(0, 3))
# Each event: seconds after T0, and whether someone acknowledges at that moment.
events = st.lists(st.tuples(st.integers(0, 4 * 3600), st.booleans()), max_size=40)


@settings(max_examples=300, deadline=None)
@given(policy=policies, events=events,
       absent=st.sets(st.sampled_from(["primary", "secondary", "worker:w1"])))
def test_any_sequence_of_sweeps_and_acks_keeps_the_invariants(policy, events, absent):
    def who(target, at):
        return None if target in absent else everyone(target, at)

    escalation, actions = open_escalation("e1", policy, T0, who)
    fallbacks = actions.count(FamilyFallback())
    for seconds, ack in events:
        now = T0 + timedelta(seconds=seconds)
        before = escalation
        if ack and escalation.status == "open":
            escalation, actions = acknowledge(escalation, "anna", now), []
        else:
            escalation, actions = advance(escalation, now, who)
        if escalation != before:
            assert escalation.version > before.version
        else:
            assert actions == []
        if before.status != "open":
            assert not pages(actions)
        if before.next_action_at is not None and escalation.next_action_at is not None:
            assert escalation.next_action_at >= before.next_action_at
        fallbacks += actions.count(FamilyFallback())
        assert fallbacks <= 1
        assert escalation.fallback_sent == (fallbacks == 1)


def test_the_paged_workers_are_remembered_once_each():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    escalation, _ = run_to_the_end(escalation)
    assert escalation.paged == ("anna", "ben")


def test_an_unanswered_request_can_still_be_acknowledged_then_resolved():
    escalation, _ = run_to_the_end(open_escalation("e1", POLICY, T0, everyone)[0])
    later = T0 + timedelta(hours=1)
    taken = acknowledge(escalation, "anna", later)
    assert (taken.status, taken.next_action_at) == ("acknowledged", None)
    assert resolve(taken, "called-back", "anna", later).status == "resolved"


def test_a_late_page_restarts_its_steps_wait_from_the_send():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    sent = T0 + timedelta(seconds=120)
    later = page_went_out(escalation, 0, 0, sent)
    assert later.next_action_at == sent + timedelta(seconds=300)
    assert later.version == escalation.version + 1
    # The e-mail copy going out after the SMS changes nothing more.
    assert page_went_out(later, 0, 0, sent - timedelta(seconds=1)) is None


def test_a_page_of_a_step_the_chain_has_left_is_not_wanted_and_moves_no_timer():
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    moved, _ = advance(escalation, escalation.next_action_at, everyone)
    acked = acknowledge(escalation, "anna", T0)
    assert not page_wanted(moved, 0, 0) and page_wanted(moved, 1, 0)
    assert not page_wanted(acked, 0, 0)
    assert page_went_out(moved, 0, 0, T0 + timedelta(seconds=400)) is None
    assert page_went_out(acked, 0, 0, T0 + timedelta(seconds=1)) is None


@settings(max_examples=60, deadline=None)
@given(delays=st.lists(st.integers(0, 3600), min_size=1, max_size=6))
def test_every_step_waits_its_whole_wait_after_its_page_went_out(delays):
    """However late each page goes out, the next step is never due before send + wait."""
    escalation, _ = open_escalation("e1", POLICY, T0, everyone)
    for delay in delays:
        if escalation.next_action_at is None:
            break
        queued_due = escalation.next_action_at
        step = escalation.policy.steps[escalation.step_index]
        sent = queued_due - timedelta(seconds=step.wait_seconds) + timedelta(seconds=delay)
        escalation = page_went_out(escalation, escalation.step_index, escalation.pass_number,
                                   sent) or escalation
        assert escalation.next_action_at >= sent + timedelta(seconds=step.wait_seconds)
        escalation, _ = advance(escalation, escalation.next_action_at, everyone)


@pytest.mark.parametrize(("worker", "paged", "on_call", "on_case", "may"), [
    ("anna", ("anna",), None, (), True),
    ("cia", (), "cia", (), True),
    ("dan", (), None, ("dan",), True),
    ("eve", ("anna",), "cia", ("dan",), False),
])
def test_a_worker_handles_an_escalation_only_paged_on_call_or_on_its_case(worker, paged,
                                                                         on_call, on_case, may):
    from datetime import date

    from chalicelib.domain.access import Actor, may_handle_escalation
    from chalicelib.domain.directory import Case, Contact

    case = Case("k1", "perhetyo", on_case or ("zed",), date(2026, 1, 5), 90, 1, ("home",),
                Contact(None, None, "fi"))
    assert may_handle_escalation(Actor("s", "worker", worker), paged, on_call, case) is may
    assert may_handle_escalation(Actor("s", "coordinator"), (), None, None)
