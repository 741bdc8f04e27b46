"""Start the REAL local stack (``python -m chalicelib.local``) for tests that talk HTTP to it.

``start_local_stack(root)`` is a context manager; ``local_stack`` is a session fixture
with one stack for all tests that only read or add data with random ids. Mark such tests
``@pytest.mark.localstack``.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.local import processes
from chalicelib.local.settings import StackSettings, free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]
START_SECONDS = 240  # a cold start compiles the launcher and JVM on a 2-core machine shared with others


@dataclass
class RunningStack:
    """A stack started by ``start_local_stack``.

    Attributes:
        settings: its port and folders (``settings.stack_dir`` holds its data).
        base_url: the API, e.g. ``http://127.0.0.1:8123``.
        environment: the variables its app and cli run with (from its ``stack.json``).
        process: the runner.
        log: the runner's output, for failure messages.
    """

    settings: StackSettings
    base_url: str
    environment: dict[str, str]
    process: subprocess.Popen
    log: Path

    def token(self, role: str = "coordinator", worker: str | None = None) -> str:
        """A staff token from ``python -m chalicelib.cli token`` against this stack."""
        args = [sys.executable, "-m", "chalicelib.cli", "token", "--role", role]
        if worker is not None:
            args += ["--worker", worker]
        env = {**os.environ, **self.environment}
        result = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True)
        return result.stdout.split()[-1]

    def stop(self) -> None:
        """Stop it as Ctrl-C would; the runner stops its own children in order."""
        if self.process.poll() is None:
            processes.stop(self.process, grace_seconds=60)


@contextmanager
def start_local_stack(local_root: Path, port: int | None = None) -> Iterator[RunningStack]:
    """Run ``python -m chalicelib.local`` on ``port`` (default: a free one) with data under ``local_root``."""
    settings = StackSettings(PROJECT_DIR, port or free_port(), local_root.resolve())
    local_root.mkdir(parents=True, exist_ok=True)
    log = local_root / f"runner-{settings.port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAPAAMO_", "PORT"))}
    args = [sys.executable, "-m", "chalicelib.local", "--port", str(settings.port), "--local-dir",
            str(settings.local_root), "--schedule-seconds", "2"]
    with open(log, "ab") as out:
        process = processes.start(args, env=env, cwd=str(PROJECT_DIR), stdout=out, stderr=subprocess.STDOUT)
    stack = None
    try:
        stack = _wait_until_ready(settings, process, log)
        yield stack
    finally:
        (stack or RunningStack(settings, settings.base_url, {}, process, log)).stop()


def _wait_until_ready(settings: StackSettings, process: subprocess.Popen, log: Path) -> RunningStack:
    """Wait for the runner's ``stack.json`` (written once all is up) and a 200 from /health."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the local stack exited ({process.returncode}):\n{log.read_text()}")
        if settings.state_file.exists() and _health(settings.base_url) == 200:
            state = json.loads(settings.state_file.read_text())
            return RunningStack(settings, state["base_url"], state["environment"], process, log)
        time.sleep(0.5)
    raise AssertionError(f"the local stack did not start in {START_SECONDS} s:\n{log.read_text()}")


def _health(base_url: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory) -> Iterator[RunningStack]:
    """One real local stack for the session, on a free port with its own ``.local``."""
    with start_local_stack(tmp_path_factory.mktemp("local")) as stack:
        yield stack
