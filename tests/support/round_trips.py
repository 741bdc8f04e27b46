"""Count DynamoDB round trips with a botocore event hook (used by tests and bench/)."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager


@contextmanager
def counting_dynamodb_calls():
    """Yield a Counter of DynamoDB operation names called inside the block.

    The hook sits on the client every booking store function uses
    (``chalicelib.store.tx.client``).
    """
    from chalicelib.store.tx import client

    calls: Counter[str] = Counter()

    def count(model, **_):
        calls[model.name] += 1

    events = client().meta.events
    events.register("before-call.dynamodb", count)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", count)
