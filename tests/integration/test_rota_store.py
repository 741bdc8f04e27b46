"""The rota document store: one suite for the DynamoDB store (moto) and its in-memory twin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Worker
from chalicelib.domain.errors import Conflict, Forbidden, Rejected
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import Override, Rotation
from chalicelib.domain.rota import DEFAULT_POLICY, OVERRIDE_RETENTION, Reach, Rota
from chalicelib.services import oncall
from chalicelib.store.memory_directory import InMemoryDirectory
from chalicelib.store.oncall import DynamoRotaStore, InMemoryRotaStore
from tests.support.twins import BACKENDS, twin

T0 = datetime(2026, 10, 19, 6, 0, tzinfo=UTC)  # Monday 09:00 Helsinki, DST week
BOSS = Actor("test", "coordinator")


@pytest.fixture(params=BACKENDS)
def store(request):
    return twin(request, InMemoryRotaStore, DynamoRotaStore)


@pytest.fixture
def directory():
    people = InMemoryDirectory()
    for worker_id in ("anna", "ben"):
        people.put_worker(Worker(worker_id, "X", f"{worker_id}@example.org", "+358401110001",
                                 None, ()))
    return people


def test_an_empty_rota_has_nobody_on_call_and_the_default_policy(store):
    rota = store.load()
    assert rota.on_call(T0) == {"primary": None, "secondary": None}
    assert rota.policy_in_force == DEFAULT_POLICY


def test_a_saved_rota_reads_back_equal(store):
    rota = Rota().with_rotation(Rotation("r1", "primary", ("anna", "ben"), T0, 24),
                                {"anna": Reach("+358401110001", "anna@example.org")})
    rota = rota.with_override(Override("ben", "secondary", T0, T0 + timedelta(hours=3)),
                              {"ben": Reach(None, "ben@example.org")}, T0)
    rota = rota.with_policy(Policy((Step("worker:ben", 30),), 2))
    saved = store.save(rota)
    assert store.load() == saved
    assert (saved.version, saved.rotations, saved.overrides, saved.policy, saved.contacts) == (
        1, rota.rotations, rota.overrides, rota.policy, rota.contacts)


def test_a_write_from_a_stale_read_is_refused(store):
    stale = store.load()
    store.save(stale.with_policy(DEFAULT_POLICY))
    with pytest.raises(Conflict):
        store.save(stale.with_policy(Policy((Step("primary", 5),), 0)))


def test_overrides_long_past_are_dropped_when_a_new_one_is_written(store, directory):
    old = Override("anna", "primary", T0 - OVERRIDE_RETENTION - timedelta(days=2),
                   T0 - OVERRIDE_RETENTION - timedelta(days=1))
    oncall.put_override(store, directory, BOSS, old, old.end)
    fresh = Override("ben", "primary", T0, T0 + timedelta(hours=1))
    oncall.put_override(store, directory, BOSS, fresh, T0)
    assert store.load().overrides == (fresh,)


def test_rotations_naming_unknown_workers_are_refused(store, directory):
    with pytest.raises(Rejected) as refused:
        oncall.put_rotation(store, directory, BOSS,
                            Rotation("r1", "primary", ("anna", "ghost"), T0, 24))
    assert refused.value.code == "unknown_worker"


def test_only_coordinators_change_the_rota(store, directory):
    with pytest.raises(Forbidden):
        oncall.put_policy(store, directory, Actor("w", "worker", "anna"), DEFAULT_POLICY)


def test_the_phone_line_goes_to_the_secondary_when_no_primary_is_on_call(store, directory):
    oncall.put_rotation(store, directory, BOSS, Rotation("r2", "secondary", ("ben",), T0, 24))
    holder = oncall.phone_to_forward(store, T0 + timedelta(hours=1))
    assert (holder.level, holder.worker) == ("secondary", "ben")
    assert oncall.phone_to_forward(store, T0 - timedelta(hours=1)) is None


def test_a_rotation_with_the_same_id_replaces_the_old_one(store, directory):
    oncall.put_rotation(store, directory, BOSS, Rotation("r1", "primary", ("anna",), T0, 24))
    oncall.put_rotation(store, directory, BOSS, Rotation("r1", "primary", ("ben",), T0, 12))
    assert store.load().on_call(T0 + timedelta(hours=1))["primary"] == "ben"
    assert len(store.load().rotations) == 1
