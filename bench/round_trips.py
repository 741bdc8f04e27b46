"""Report DynamoDB round trips per booking request on moto (``python -m bench.round_trips``).

Counts come from a botocore ``before-call`` hook (tests/support/round_trips.py), so they
are the number of requests the Lambda would make, whatever the engine.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    import boto3
    import time_machine
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.auth import mint_local_token
    from chalicelib.store.table import create_table, reset_connections
    from tests.support.api import call
    from tests.support.booking import NOW, TUESDAY, at, book, make_family
    from tests.support.round_trips import counting_dynamodb_calls

    local = Path(tempfile.mkdtemp())
    os.environ.update({"TAPAAMO_TABLE": f"bench-{uuid.uuid4().hex[:6]}",
                       "AWS_DEFAULT_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "bench",
                       "AWS_SECRET_ACCESS_KEY": "bench", "TAPAAMO_LOCAL_DIR": str(local)})
    with mock_aws(), time_machine.travel(NOW, tick=False):
        reset_connections()
        create_table(boto3.client("dynamodb"), os.environ["TAPAAMO_TABLE"])
        from app import app

        with Client(app, stage_name="local") as client:
            coord = {"Authorization": "Bearer " + mint_local_token(
                local, "coordinator", None, datetime.now(UTC)),
                "Content-Type": "application/json"}
            family = make_family(client, coord)
            requests = {
                "GET slots (14 days)": lambda: call(
                    client, "GET", f"{family.base}/slots?from={TUESDAY}&days=14", {}),
                "POST booking": lambda: book(client, family, at(TUESDAY, 10), family.office),
                "POST move": lambda: call(
                    client, "POST", f"{family.base}/appointments/{last['id']}/move",
                    {"Content-Type": "application/json"},
                    {"start": at(TUESDAY, 12), "location": "home"}),
                "POST cancel": lambda: call(
                    client, "POST", f"{family.base}/appointments/{last['id']}/cancel", {}),
            }
            last = {}
            for name, request in requests.items():
                with counting_dynamodb_calls() as calls:
                    status, body = request()
                if isinstance(body, dict) and "id" in body:
                    last = body
                print(f"{name:22} {status}  round trips {sum(calls.values())}  {dict(calls)}")


if __name__ == "__main__":
    main()
