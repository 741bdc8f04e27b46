"""``python -m chalicelib.local``: start the whole local stack, print how to use it, stop it on Ctrl-C.

Order: DynamoDB engine → tables → demo data → OpenID provider → ``chalice local`` → pump.
Everything it starts is stopped, in reverse order, on Ctrl-C / SIGTERM or when one part fails.
"""

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from chalicelib.local import processes
from chalicelib.local.dynamodb import Engine, start_engine
from chalicelib.local.idp import provider_port, start_provider
from chalicelib.local.pump import Pump
from chalicelib.local.queue import LocalQueue
from chalicelib.local.settings import LOOPBACK, StackSettings, dynamodb_port, port_is_free, settings_from_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    """Run the stack until interrupted; the exit status is 0 after Ctrl-C, 1 when a part failed."""
    args = _parse(argv)
    settings = settings_from_environment(PROJECT_DIR, args.port, args.local_dir)
    # The pump runs handlers in this process: log like Lambda and `chalice local` do.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    # SIGTERM (a test, systemd) stops the stack exactly like Ctrl-C does; SIGINT is set too
    # because a shell that starts us in the background hands it down ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with ExitStack() as cleanup:
        try:
            _run(settings, args, cleanup)
        except KeyboardInterrupt:
            print("\nStopping the local stack …", flush=True)
        except processes.StackError as error:
            print(f"local stack: {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            # A second Ctrl-C must not cut the cleanup short and leave orphans behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("Stopped.", flush=True)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.local", description=__doc__)
    parser.add_argument("--port", type=int, help="API port (default: $PORT or 8000)")
    parser.add_argument("--local-dir", type=Path, help="root of local data (default: <project>/.local)")
    parser.add_argument("--schedule-seconds", type=float, default=5.0, help="how often scheduled functions run")
    return parser.parse_args(argv)


def _run(settings: StackSettings, args: argparse.Namespace, cleanup: ExitStack) -> None:
    if not port_is_free(settings.port):
        raise processes.StackError(f"port {settings.port} is in use: stop what runs there or set PORT=…")
    settings.stack_dir.mkdir(parents=True, exist_ok=True)
    settings.state_file.unlink(missing_ok=True)  # left behind if a stack was killed with -9

    engine = start_engine(PROJECT_DIR, settings.stack_dir / "dynamodb", dynamodb_port(settings.port), _warn)
    cleanup.callback(processes.stop, engine.process)
    env = settings.environment(engine.endpoint)
    os.environ.update(env)  # the pump runs the app in this process; children inherit it too

    _cli("create-tables")
    seeded = [line for line in _cli("seed").splitlines() if line.strip()]  # incl. booking_url:/feed_url:
    token = _cli("token", "--role", "coordinator").split()[-1]

    idp = start_provider(PROJECT_DIR, settings.base_url, provider_port(settings.port))
    cleanup.callback(processes.stop, idp.process)
    os.environ.update(idp.environment)  # the console's client settings, for chalice local
    env.update(idp.environment)

    api = _start_api(settings)
    cleanup.callback(processes.stop, api)
    processes.wait_for_http(f"{settings.base_url}/health", api, timeout_seconds=120, what="chalice local")

    stop_pump = threading.Event()
    pump = Pump(_load_app(), LocalQueue(settings.stack_dir))
    thread = threading.Thread(target=pump.run, args=(stop_pump, args.schedule_seconds), name="local-pump", daemon=True)
    thread.start()
    cleanup.callback(thread.join, 30)
    cleanup.callback(stop_pump.set)

    _write_state(settings, engine.endpoint, env, cleanup)
    _print_banner(settings, engine, token, seeded, pump, idp.issuer)
    _watch(api, engine.process, idp.process)


def _cli(*args: str) -> str:
    """Run ``python -m chalicelib.cli`` in this stack's environment and return its stdout."""
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", *args],
        cwd=PROJECT_DIR, env=os.environ, stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise processes.StackError(f"`python -m chalicelib.cli {' '.join(args)}` failed:\n{result.stderr.strip()}")
    return result.stdout


def _start_api(settings: StackSettings) -> subprocess.Popen:
    # `chalice local --no-autoreload` with the deployed gateway's 404 for unknown routes
    # (chalicelib/local/gateway.py). No autoreload: chalice's file watcher polls every file
    # under the project, .venv and node_modules included, and restarts on each write
    # DynamoDB Local makes in .local/.
    args = [sys.executable, "-m", "chalicelib.local.gateway", "--stage", "local",
            "--host", LOOPBACK, "--port", str(settings.port)]
    return processes.start(args, env=os.environ, cwd=str(PROJECT_DIR))


def _load_app():
    """The Chalice app, imported as ``chalice local`` does: with the stage's variables applied."""
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(str(PROJECT_DIR))
    stage_variables = factory.create_config_obj(chalice_stage_name="local").environment_variables
    return factory.load_chalice_app(environment_variables=stage_variables)


def _write_state(settings: StackSettings, endpoint: str, env: dict[str, str], cleanup: ExitStack) -> None:
    """Tell tools how to reach this stack (tests mint tokens with its environment)."""
    state = {"pid": os.getpid(), "base_url": settings.base_url, "dynamodb_endpoint": endpoint, "environment": env}
    settings.state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    cleanup.callback(settings.state_file.unlink, missing_ok=True)


def _watch(*children: subprocess.Popen) -> None:
    """Sleep until Ctrl-C; a child that dies on its own ends the stack too."""
    while True:
        for child in children:
            if child.poll() is not None:
                raise processes.StackError(f"{child.args[0]} exited with status {child.returncode}")
        time.sleep(0.5)


def _warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


def _print_banner(settings: StackSettings, engine: Engine, token: str, seeded: list[str], pump: Pump,
                  issuer: str) -> None:
    here = Path.cwd()
    where = settings.stack_dir.relative_to(here) if settings.stack_dir.is_relative_to(here) else settings.stack_dir
    data = f"data in {where}/dynamodb" if engine.persistent else "in memory: data is lost on stop"
    lines = [
        "",
        "Tapaamo local stack is running.",
        f"  API:            {settings.base_url}",
        f"  DynamoDB:       {engine.name} at {engine.endpoint} ({data})",
        f"  Pump:           {len(pump.schedules)} scheduled function(s), {len(pump.consumers)} queue handler(s),",
        f"                  {len(pump.subscribers)} topic subscriber(s)",
        f"  Notifications:  {where}/notifications.log (and this terminal)",
        f"  Staff console:  {settings.base_url}/staff/ (sign in at {issuer} as `coordinator`",
        "                  or a demo worker, e.g. `w-aino`; any password)",
        *(f"  {line}" for line in seeded),
        "  Staff token (coordinator):",
        f"    export TOKEN={token}",
        f"  Try: curl -H \"Authorization: Bearer $TOKEN\" {settings.base_url}/offices",
        "  Reply to a page as the on-call worker (spooled under "
        f"{where}/queue/inbound-sms):",
        f"    TAPAAMO_LOCAL_DIR={where} .venv/bin/python -m chalicelib.cli sms-reply "
        "--from <worker's phone> OK",
        "  Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)
