"""The raw transaction builder on moto: all or nothing, failures named by label."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain.notification import Notification
from chalicelib.store import outbox
from chalicelib.store.tx import Transaction, TransactionCancelled, batch_get


@pytest.fixture
def store(aws):
    from chalicelib import bootstrap

    return bootstrap.wiring()


def test_a_transaction_writes_everything_or_nothing(store):
    tx = Transaction()
    tx.update("LOCK#w1", "2026-12-01", "SET #b = :v", label="lock",
              condition="attribute_not_exists(#b)", names={"#b": "b100"}, values={":v": "a1"})
    tx.put({"pk": "APPT#a1", "sk": "APPT", "minutes": 90}, label="appointment")
    tx.commit()
    items = batch_get([("LOCK#w1", "2026-12-01"), ("APPT#a1", "APPT")])
    assert items[("LOCK#w1", "2026-12-01")]["b100"] == "a1"
    assert items[("APPT#a1", "APPT")]["minutes"] == 90

    again = Transaction()
    again.put({"pk": "APPT#a2", "sk": "APPT"}, label="appointment")
    again.update("LOCK#w1", "2026-12-01", "SET #b = :v", label="lock",
                 condition="attribute_not_exists(#b)", names={"#b": "b100"}, values={":v": "a2"})
    with pytest.raises(TransactionCancelled) as cancelled:
        again.commit()
    assert cancelled.value.failed == ["lock"]
    assert ("APPT#a2", "APPT") not in batch_get([("APPT#a2", "APPT")])


def test_the_same_notification_is_queued_once(store):
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    note = Notification("confirmation", "sms", "+358401234567", "confirmation:a1", case_id="k1",
                        params={"start": now.isoformat(), "location": "home", "link": "x"})
    tx = Transaction()
    outbox.enqueue(tx, note, now)
    tx.commit()
    twice = Transaction()
    outbox.enqueue(twice, note, now)
    with pytest.raises(TransactionCancelled) as cancelled:
        twice.commit()
    assert cancelled.value.failed == ["outbox:confirmation"]
    item = batch_get([(f"NOTE#{note.id}", "NOTE")])[(f"NOTE#{note.id}", "NOTE")]
    assert item["status"] == "queued" and item["due_shard"] == "outbox"


def feed_version(worker: str) -> int:
    from chalicelib.store.tx import FEED_VERSION_SK

    key = (f"AGENDA#{worker}", FEED_VERSION_SK)
    return int(batch_get([key], consistent=True).get(key, {}).get("version", 0))


def test_writes_into_a_workers_agenda_bump_its_feed_version_once_per_commit(store):
    tx = Transaction()
    tx.put({"pk": "AGENDA#w1", "sk": "2026-12-01T08:00:00+00:00#a1"}, label="agenda")
    tx.put({"pk": "AGENDA#w1", "sk": "~deadline#2026-12-09#k1#r1"}, label="deadline")
    tx.put({"pk": "APPT#a1", "sk": "APPT"}, label="appointment")
    tx.commit()
    assert (feed_version("w1"), feed_version("w2")) == (1, 0)
    other = Transaction()
    other.put({"pk": "ONCALL", "sk": "ROTA"}, label="rota")
    other.touch_feed("w2")
    other.commit()
    assert (feed_version("w1"), feed_version("w2")) == (1, 1)


def test_a_raw_query_gives_the_same_items_as_the_parsed_one(store):
    from chalicelib.store.tx import from_dynamo, query, to_dynamo

    tx = Transaction()
    tx.put({"pk": "RAW#1", "sk": "a", "text": "ä ö", "n": 7, "names": ["x", "y"]}, label="a")
    tx.commit()
    asked = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues":
             {":p": to_dynamo("RAW#1")}}
    raw = query(raw=True, **asked)
    assert [from_dynamo(item) for item in raw] == query(**asked)
    assert raw[0]["n"] == {"N": "7"} and raw[0]["text"] == {"S": "ä ö"}
