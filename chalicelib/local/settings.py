"""Where one local stack lives: its ports, its folder under ``.local/`` and its environment."""

import os
import socket
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8000
REGION = "eu-north-1"
TABLE = "tapaamo"
# DynamoDB Local sits this far above the API port, so PORT=8000 gives 9000 and two stacks on
# different PORTs get different engines; when that port is taken, any free one will do.
DYNAMODB_PORT_OFFSET = 1000


@dataclass(frozen=True)
class StackSettings:
    """One stack: the API port and the root of its local data.

    Attributes:
        project_dir: the checkout (where ``app.py`` and ``node_modules`` are).
        port: the API port (``PORT``).
        local_root: the ``.local`` folder; each PORT has its own subfolder in it, so two
            stacks on different PORTs never share files.
    """

    project_dir: Path
    port: int
    local_root: Path

    @property
    def stack_dir(self) -> Path:
        """The folder of this stack: DynamoDB files, signing key, queue spool, notifications."""
        return self.local_root / str(self.port)

    @property
    def base_url(self) -> str:
        """The API's base URL, without a trailing slash."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def notifications_log(self) -> Path:
        """Where the local notifier writes what SNS/SES would deliver."""
        return self.stack_dir / "notifications.log"

    @property
    def state_file(self) -> Path:
        """A JSON file a running stack writes so tests and tools can find its endpoints."""
        return self.stack_dir / "stack.json"

    def environment(self, dynamodb_endpoint: str) -> dict[str, str]:
        """The variables the app and the cli read in the local stage (set for every child).

        Args:
            dynamodb_endpoint: URL of the running DynamoDB engine.
        """
        return {
            "TAPAAMO_STAGE": "local",
            "TAPAAMO_TABLE": TABLE,
            "TAPAAMO_DDB_ENDPOINT": dynamodb_endpoint,
            "TAPAAMO_LOCAL_DIR": str(self.stack_dir.resolve()),
            "TAPAAMO_PUBLIC_URL": self.base_url,
            "AWS_DEFAULT_REGION": REGION,
            # DynamoDB Local and moto want credentials but check none; never real ones here.
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }


def settings_from_environment(project_dir: Path, port: int | None = None, local_root: Path | None = None) -> StackSettings:
    """Settings from arguments, falling back to ``PORT`` and ``<project>/.local``."""
    return StackSettings(
        project_dir=project_dir.resolve(),
        port=port if port is not None else int(os.environ.get("PORT") or DEFAULT_PORT),
        local_root=(local_root or project_dir / ".local").resolve(),
    )


def port_is_free(port: int) -> bool:
    """True if nothing listens on ``port`` on loopback and it can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers do: connections in TIME_WAIT from a stack just stopped do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on loopback that the kernel just said was free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def dynamodb_port(api_port: int) -> int:
    """The engine's port: ``api_port + 1000`` when that is free, otherwise any free port."""
    derived = api_port + DYNAMODB_PORT_OFFSET
    if derived <= 65535 and port_is_free(derived):
        return derived
    return free_port()
