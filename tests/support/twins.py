"""One contract suite, two stores: the in-memory twin and the DynamoDB store on moto."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

Store = TypeVar("Store")

BACKENDS = ["memory", "dynamodb"]


def twin(request: pytest.FixtureRequest, in_memory: Callable[[], Store],
         on_dynamodb: Callable[[], Store]) -> Store:
    """The store a ``@pytest.fixture(params=BACKENDS)`` fixture's param names.

    The DynamoDB one is made inside the ``aws`` fixture (moto, a fresh table), after the
    wiring that points the store at that table.
    """
    if request.param == "memory":
        return in_memory()
    request.getfixturevalue("aws")
    from chalicelib import bootstrap

    bootstrap.wiring()
    return on_dynamodb()
