"""The one retry loop: a busy store is tried again after a pause, a lost race at once."""

import pytest

from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.store import retry
from chalicelib.store.retry import AGAIN, retrying


@pytest.fixture
def pauses(monkeypatch):
    waited = []
    monkeypatch.setattr(retry.time, "sleep", waited.append)
    return waited


def test_the_first_answer_that_is_not_again_is_returned(pauses):
    answers = iter([AGAIN, AGAIN, "booked"])
    assert retrying(lambda n: next(answers), 4, Unavailable("busy")) == "booked"
    assert pauses == []  # a lost race reads afresh at once


def test_a_busy_store_is_tried_again_after_a_short_random_pause(pauses):
    def attempt(n):
        if n < 2:
            raise Unavailable("conflict")
        return n

    assert retrying(attempt, 4, Unavailable("busy")) == 2
    assert len(pauses) == 2 and all(0 <= p <= 0.2 for p in pauses)


def test_after_the_last_try_the_given_error_is_raised_without_a_pause_after_it(pauses):
    gave_up = Conflict("keeps changing", code="concurrent_update")

    def always_busy(n):
        raise Unavailable("conflict")

    with pytest.raises(Conflict) as raised:
        retrying(always_busy, 3, gave_up)
    assert raised.value is gave_up and len(pauses) == 2


def test_an_answer_of_an_error_is_not_retried(pauses):
    def refused(n):
        raise Conflict("taken", code="slot_taken")

    with pytest.raises(Conflict):
        retrying(refused, 4, Unavailable("busy"))
    assert pauses == []
