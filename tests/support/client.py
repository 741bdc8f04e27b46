"""The app under test, for whichever store the environment names (moto or DynamoDB Local):
its Chalice test client and staff headers signed by its local key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


@contextmanager
def app_client() -> Iterator:
    """``chalice.test.Client`` on app.py at the local stage; set the env up first."""
    # Imported late: PynamoDB caches its connection, so the store must be chosen first.
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def staff_headers(local_dir, role: str = "coordinator", worker: str | None = None) -> dict:
    """JSON headers with a bearer token minted now by the local key under ``local_dir``."""
    from chalicelib.auth import mint_local_token

    value = mint_local_token(Path(local_dir), role, worker, datetime.now(UTC))
    return {"Authorization": f"Bearer {value}", "Content-Type": "application/json"}
