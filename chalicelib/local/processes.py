"""Child processes of the local stack: each in its own process group, stopped as a group.

A group (new session) lets the stack stop a child together with anything it started
(``chalice local`` forks a reloader worker) and keeps the terminal's Ctrl-C away from the
children, so the stack decides the order of shutdown. On Linux each direct child also
gets SIGTERM if the stack itself dies, so even ``kill -9`` of the stack leaves no engine
or server behind (only a reloader's worker could outlive it).
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

class StackError(Exception):
    """The local stack could not start; the message says what to do about it."""


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Resolved here, not in the child: between fork and exec the child should do as little as it can.
_prctl = ctypes.CDLL(None).prctl if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: ask the kernel for SIGTERM when the parent dies."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(args: Sequence[str], env: Mapping[str, str], cwd: str, **popen: object) -> subprocess.Popen:
    """Start ``args`` as the leader of a new process group.

    Args:
        args: the command line.
        env: the complete environment of the child.
        cwd: its working directory.
        **popen: further ``subprocess.Popen`` arguments (``stdout``, ``stderr``).
    """
    return subprocess.Popen(
        list(args),
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent if _prctl else None,
        **popen,
    )


def stop(process: subprocess.Popen, grace_seconds: float = 5.0) -> None:
    """Stop a child's whole process group: SIGTERM, then SIGKILL for whatever is left."""
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        pass
    # Also reaches members that outlived their leader (``chalice local``'s reloader worker).
    _signal_group(process, signal.SIGKILL)
    process.wait()


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass  # the group is gone already


def wait_for_http(url: str, process: subprocess.Popen, timeout_seconds: float, what: str) -> int:
    """Poll ``url`` until it answers with any HTTP status; return that status.

    Args:
        url: what to GET.
        process: the child that should answer; if it exits, waiting stops at once.
        timeout_seconds: how long to wait in all.
        what: a name for messages ("DynamoDB Local").

    Raises:
        StackError: the child exited or did not answer in time.
    """
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"{what} exited with status {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code  # it answers; whether it likes the request does not matter here
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise StackError(f"{what} did not answer at {url} within {timeout_seconds:.0f} s")
