"""The local stage's OpenID provider (npm ``oidc-provider``, configured by ``idp.mjs``).

The console signs staff in through it exactly as it does through the county's provider
in AWS: authorization code flow with PKCE, ``state`` and ``nonce``. Its accounts are the
demo staff: ``coordinator`` and each demo worker by id.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from chalicelib.local import processes
from chalicelib.local.demo import WORKERS
from chalicelib.local.settings import LOOPBACK, free_port, port_is_free

CONFIG = Path(__file__).with_name("idp.mjs")
CLIENT_ID = "tapaamo-console"
# The provider sits this far above the API port (8000 → 10000), like DynamoDB Local's 1000.
PORT_OFFSET = 2000


@dataclass
class Provider:
    """A running local OpenID provider.

    Attributes:
        issuer: its issuer URL (``OIDC_ISSUER`` of the stack).
        environment: the console's client settings for the app.
        process: its process; stop it with ``processes.stop``.
    """

    issuer: str
    environment: dict[str, str]
    process: subprocess.Popen


def accounts() -> dict[str, dict]:
    """The sign-in names and the claims each one's ID token carries."""
    staff = {"coordinator": {"role": "coordinator", "name": "Demo Coordinator"}}
    for worker in WORKERS:
        staff[worker.id] = {"role": "worker", "worker_id": worker.id, "name": worker.name}
    return staff


def provider_port(api_port: int) -> int:
    """``api_port + 2000`` when that is free, otherwise any free port."""
    derived = api_port + PORT_OFFSET
    return derived if derived <= 65535 and port_is_free(derived) else free_port()


def start_provider(project_dir: Path, api_url: str, port: int) -> Provider:
    """Start the provider on ``port`` for a console at ``api_url`` and wait until it answers.

    Raises:
        processes.StackError: node or the npm package is missing, or it did not start.
    """
    node = shutil.which("node")
    if node is None or not (project_dir / "node_modules" / "oidc-provider").is_dir():
        raise processes.StackError("the local sign-in needs node and `npm ci` (oidc-provider)")
    issuer = f"http://{LOOPBACK}:{port}"
    secret = secrets.token_urlsafe(24)
    env = {
        "PATH": str(Path(node).parent),
        "NODE_ENV": "development",
        "TAPAAMO_IDP_ISSUER": issuer,
        "TAPAAMO_IDP_CLIENT_ID": CLIENT_ID,
        "TAPAAMO_IDP_CLIENT_SECRET": secret,
        "TAPAAMO_IDP_REDIRECT_URI": f"{api_url}/staff/callback",
        "TAPAAMO_IDP_POST_LOGOUT_URI": f"{api_url}/staff/login?signed_out=1",
        "TAPAAMO_IDP_COOKIE_KEY": secrets.token_urlsafe(24),
        "TAPAAMO_IDP_ACCOUNTS": json.dumps(accounts()),
    }
    process = processes.start([node, str(CONFIG)], env=env, cwd=str(project_dir))
    processes.wait_for_http(f"{issuer}/.well-known/openid-configuration", process,
                            timeout_seconds=60, what="the local OpenID provider")
    return Provider(issuer, {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                             "OIDC_CLIENT_SECRET": secret}, process)
