"""The local spool queue behaves like the parts of SQS the pump relies on."""

import pytest

from chalicelib.local.queue import LocalQueue

NOW = 1_780_000_000.0


def test_messages_are_received_oldest_first_with_their_bodies(tmp_path):
    queue = LocalQueue(tmp_path)
    first = queue.send("notifications", '{"n": 1}', now=NOW)
    second = queue.send("notifications", '{"n": 2}', now=NOW + 1)

    received = queue.receive("notifications", 10, now=NOW + 2)

    assert [(m.message_id, m.body) for m in received] == [(first, '{"n": 1}'), (second, '{"n": 2}')]


def test_receive_does_not_delete_and_delete_does(tmp_path):
    queue = LocalQueue(tmp_path)
    message_id = queue.send("q", "x", now=NOW)

    assert len(queue.receive("q", 10, now=NOW)) == 1
    queue.delete("q", message_id)
    queue.delete("q", message_id)  # a second delete is harmless, like SQS

    assert queue.receive("q", 10, now=NOW) == []


def test_receive_returns_at_most_the_batch_size(tmp_path):
    queue = LocalQueue(tmp_path)
    for n in range(5):
        queue.send("q", str(n), now=NOW + n)

    assert [m.body for m in queue.receive("q", 2, now=NOW + 10)] == ["0", "1"]


def test_a_delayed_message_is_invisible_until_its_delay_has_passed(tmp_path):
    queue = LocalQueue(tmp_path)
    queue.send("q", "later", delay_seconds=60, now=NOW)

    assert queue.receive("q", 10, now=NOW + 59) == []
    assert [m.body for m in queue.receive("q", 10, now=NOW + 60)] == ["later"]


def test_a_postponed_message_comes_back_after_the_given_seconds(tmp_path):
    queue = LocalQueue(tmp_path)
    message_id = queue.send("q", "retry me", now=NOW)

    queue.postpone("q", message_id, 5, now=NOW + 1)

    assert queue.receive("q", 10, now=NOW + 5) == []
    assert [m.message_id for m in queue.receive("q", 10, now=NOW + 6)] == [message_id]


def test_queues_are_separate_folders_under_the_stack_dir(tmp_path):
    queue = LocalQueue(tmp_path)
    queue.send("a", "for a", now=NOW)

    assert queue.receive("b", 10, now=NOW) == []
    assert len(list((tmp_path / "queue" / "a").glob("*.json"))) == 1


def test_an_unknown_queue_is_empty_and_no_folder_is_made_for_reading(tmp_path):
    assert LocalQueue(tmp_path).receive("never-used", 10, now=NOW) == []
    assert not (tmp_path / "queue").exists()


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".hidden"])
def test_a_name_that_is_not_a_plain_folder_name_is_refused(tmp_path, name):
    with pytest.raises(ValueError):
        LocalQueue(tmp_path).send(name, "x")
