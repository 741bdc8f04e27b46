"""Count DynamoDB round trips (used by tests and bench/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def dynamodb_requests() -> Iterator[list[str]]:
    """Yield the operation name of every DynamoDB request made in the block, in order.

    ``BaseClient._make_api_call`` is where every botocore client sends a request, so the
    clients the store does not make itself (PynamoDB keeps one per model class) count too.
    """
    from botocore.client import BaseClient

    requests: list[str] = []
    real = BaseClient._make_api_call

    def counted(client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            requests.append(operation)
        return real(client, operation, params)

    BaseClient._make_api_call = counted
    try:
        yield requests
    finally:
        BaseClient._make_api_call = real
