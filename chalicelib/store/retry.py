"""Writing again after losing a race: the one retry loop of every use case that commits
under contention (bookings, group seats, escalations, the on-call rota).

A commit that meets a busy table or a transaction conflict raises ``Unavailable``
(``store/tx.py``); that is retried after a jittered exponential back-off, so conflicting
writers do not retry in step. An attempt that finds the state changed under it (a
condition failed) returns :data:`AGAIN` and is retried at once: it reads afresh.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from chalicelib.domain.errors import Unavailable

T = TypeVar("T")
AGAIN = object()  # an attempt's answer: the state changed under it, read it again
MAX_BACK_OFF_STEP = 2  # waits of up to 50, 100, 200, 200, … ms


def retrying(attempt: Callable[[int], T], attempts: int, gave_up: Exception) -> T:
    """The first answer of ``attempt(n)`` (n = 0, 1, …) that is not :data:`AGAIN`.

    Args:
        attempt: one try; reads what it needs, commits, returns the answer or AGAIN.
        attempts: how many tries at most.
        gave_up: what to raise when every try was busy or lost its race (a 503
            ``Unavailable``, or a 409 where the contract says so).
    """
    for n in range(attempts):
        try:
            answer = attempt(n)
        except Unavailable:
            back_off(n, attempts)
            continue
        if answer is not AGAIN:
            return answer
    raise gave_up


def back_off(n: int, attempts: int) -> None:
    """Wait a random while before try ``n + 1`` (not after the last)."""
    if n + 1 < attempts:
        time.sleep(random.uniform(0, 0.05 * 2 ** min(n, MAX_BACK_OFF_STEP)))
