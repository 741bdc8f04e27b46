"""The deliveries repository: one suite for DynamoDB (moto) and its in-memory twin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.delivery import LEASE
from chalicelib.domain.notification import Notification
from chalicelib.store.deliveries import DynamoDeliveries, InMemoryDeliveries
from tests.support.twins import BACKENDS, twin

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request):
    return twin(request, InMemoryDeliveries, DynamoDeliveries)


def note(key="confirmation:a1", case_id="k1", not_before=None, **fields) -> Notification:
    return Notification(fields.pop("kind", "confirmation"), "sms", "+358401234567", key,
                        case_id=case_id, not_before=not_before,
                        params={"start": "2026-12-02T07:00:00+00:00", "location": "home",
                                "link": "https://t.example/book/x"},
                        **fields)


def claimed(store, message: Notification, now=T0):
    (seen,) = store.get_many([message.id])
    return store.claim(seen, now)


def test_an_added_message_is_queued_due_and_read_back_whole(store):
    message = note(language="sv")
    assert store.add(message, T0)
    (seen,) = store.find_due(T0)
    assert (seen.id, seen.kind, seen.channel, seen.recipient, seen.language, seen.status,
            seen.attempts, seen.due_at, seen.created_at, seen.case_id, seen.params) == (
        message.id, "confirmation", "sms", "+358401234567", "sv", "queued", 0, T0, T0, "k1",
        {"start": "2026-12-02T07:00:00+00:00", "location": "home",
         "link": "https://t.example/book/x"})


def test_the_same_event_is_queued_only_once(store):
    assert store.add(note(), T0)
    assert not store.add(note(), T0 + timedelta(minutes=1))
    assert len(store.list_for("CASE#k1")) == 1


def test_a_message_not_yet_due_is_not_found_until_its_time(store):
    later = T0 + timedelta(hours=2)
    store.add(note(not_before=later), T0)
    assert store.find_due(later - timedelta(seconds=1)) == []
    assert [n.due_at for n in store.find_due(later)] == [later]


def test_due_messages_come_oldest_first_up_to_the_limit(store):
    for minutes in (30, 10, 20):
        store.add(note(key=f"k{minutes}", not_before=T0 + timedelta(minutes=minutes)), T0)
    due = store.find_due(T0 + timedelta(hours=1), limit=2)
    assert [n.due_at for n in due] == [T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]


def test_unknown_ids_are_left_out_and_duplicates_read_once(store):
    store.add(note(), T0)
    assert [n.id for n in store.get_many([note().id, "nope", note().id])] == [note().id]


def test_a_claim_takes_the_message_for_a_lease_and_a_second_claim_fails(store):
    store.add(note(), T0)
    (seen,) = store.find_due(T0)
    first = store.claim(seen, T0)
    assert (first.status, first.attempts, first.due_at) == ("sending", 1, T0 + LEASE)
    assert store.claim(seen, T0) is None


def test_a_message_not_due_cannot_be_claimed(store):
    store.add(note(not_before=T0 + timedelta(minutes=5)), T0)
    (seen,) = store.get_many([note().id])
    assert store.claim(seen, T0) is None


def test_sent_records_the_provider_and_leaves_the_due_index(store):
    store.add(note(), T0)
    mine = claimed(store, note())
    assert store.mark_sent(mine, "p-1", T0 + timedelta(seconds=3))
    (sent,) = store.get_many([note().id])
    assert (sent.status, sent.provider_id, sent.sent_at, sent.due_at) == (
        "sent", "p-1", T0 + timedelta(seconds=3), None)
    assert store.find_due(T0 + timedelta(days=1)) == []


def test_a_retry_requeues_with_the_error_and_keeps_the_attempt(store):
    store.add(note(), T0)
    mine = claimed(store, note())
    assert store.mark_retry(mine, "provider down", T0 + timedelta(minutes=1))
    (retry,) = store.find_due(T0 + timedelta(minutes=1))
    assert (retry.status, retry.attempts, retry.last_error, retry.due_at) == (
        "queued", 1, "provider down", T0 + timedelta(minutes=1))


def test_a_hold_requeues_and_gives_the_attempt_back(store):
    store.add(note(), T0)
    mine = claimed(store, note())
    assert store.hold(mine, "quiet hours", T0 + timedelta(hours=9))
    (held,) = store.get_many([note().id])
    assert (held.status, held.attempts, held.last_error, held.due_at) == (
        "queued", 0, "quiet hours", T0 + timedelta(hours=9))


def test_failed_is_kept_for_the_listing_but_leaves_the_due_index(store):
    store.add(note(), T0)
    mine = claimed(store, note())
    assert store.mark_failed(mine, "gave up")
    assert store.find_due(T0 + timedelta(days=1)) == []
    [failed] = store.list_for("CASE#k1")
    assert (failed.status, failed.last_error, failed.due_at) == ("failed", "gave up", None)


def test_a_lost_claim_cannot_record_an_outcome(store):
    store.add(note(), T0)
    stale = claimed(store, note())
    store.mark_retry(stale, "down", T0)
    newer = claimed(store, note(), T0 + timedelta(seconds=1))
    assert newer.attempts == 2
    assert not store.mark_sent(stale, "p-old", T0)
    assert not store.mark_retry(stale, "x", T0)
    assert not store.hold(stale, "x", T0)
    assert not store.mark_failed(stale, "x")
    assert store.get_many([note().id])[0].attempts == 2


def test_an_expired_lease_is_reclaimed_once_and_marked_recovered(store):
    store.add(note(), T0)
    claimed(store, note())
    after_lease = T0 + LEASE
    (orphan,) = store.find_due(after_lease)
    again = store.reclaim(orphan, after_lease)
    assert (again.status, again.attempts, again.recovered) == ("sending", 2, True)
    assert again.due_at == after_lease + LEASE
    (orphan,) = store.find_due(after_lease + LEASE)
    assert store.reclaim(orphan, after_lease + LEASE) is None


def test_listings_are_per_case_or_escalation_oldest_first(store):
    store.add(note(key="b", case_id="k1"), T0 + timedelta(minutes=1))
    store.add(note(key="a", case_id="k1"), T0)
    store.add(note(key="c", case_id="k2"), T0)
    store.add(note(key="e", case_id=None, escalation_id="e1"), T0)
    assert [n.id for n in store.list_for("CASE#k1")] == [note(key="a").id, note(key="b").id]
    assert [n.escalation_id for n in store.list_for("ESC#e1")] == ["e1"]
    assert store.list_for("CASE#k3") == []


def test_claim_many_claims_every_queued_due_message_in_one_go(store):
    for n in range(3):
        store.add(note(key=f"many{n}"), T0)
    claimed_all = store.claim_many(store.find_due(T0), T0)
    assert sorted((c.status, c.attempts, c.due_at) for c in claimed_all) == [
        ("sending", 1, T0 + LEASE)] * 3
    assert store.find_due(T0) == []
    assert all(store.mark_sent(c, "p", T0) for c in claimed_all)


def test_claim_many_leaves_out_what_another_sweep_took_and_claims_the_rest(store):
    for n in range(3):
        store.add(note(key=f"race{n}"), T0)
    seen = store.find_due(T0)
    taken = store.claim(seen[1], T0)
    mine = store.claim_many(seen, T0)
    assert sorted(c.id for c in mine) == sorted(s.id for s in seen if s.id != taken.id)
    assert store.claim_many(seen, T0) == []


def test_claim_many_skips_a_message_the_index_showed_stale(store):
    store.add(note(key="stale"), T0)
    (seen,) = store.find_due(T0)
    again = store.claim(seen, T0)
    store.mark_retry(again, "provider down", T0)  # queued again, attempts moved on
    assert store.claim_many([seen], T0) == []
    (fresh,) = store.find_due(T0)
    assert [c.attempts for c in store.claim_many([fresh], T0)] == [2]
