"""Count DynamoDB round trips (used by tests and bench/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def around_api_calls(wrap) -> Iterator[None]:
    """In the block, every botocore request goes through ``wrap(send, client, operation,
    params)``, where ``send(client, operation, params)`` makes the real one.

    ``BaseClient._make_api_call`` is where every botocore client sends a request, so the
    clients the store does not make itself (PynamoDB keeps one per model class) pass too.
    """
    from botocore.client import BaseClient

    real = BaseClient._make_api_call
    BaseClient._make_api_call = lambda client, operation, params: wrap(real, client,
                                                                        operation, params)
    try:
        yield
    finally:
        BaseClient._make_api_call = real


@contextmanager
def dynamodb_requests() -> Iterator[list[str]]:
    """Yield the operation name of every DynamoDB request made in the block, in order."""
    requests: list[str] = []

    def counted(send, client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            requests.append(operation)
        return send(client, operation, params)

    with around_api_calls(counted):
        yield requests
