"""Settings read from the environment, lazily: chalice.test.Client sets a stage's
variables only during a call, so nothing here may run at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything the wiring needs to build the real collaborators."""

    stage: str
    table: str
    region: str
    ddb_endpoint: str | None
    local_dir: Path
    public_url: str
    oidc_issuer: str | None
    oidc_audience: str | None
    oidc_jwks_url: str | None
    support_phone: str
    crisis_phone: str
    sms_sender_id: str = "Tapaamo"
    email_sender: str = "tapaamo@example.org"
    hook_secret: str | None = field(default=None, repr=False)  # never in logs
    page_key: str | None = field(default=None, repr=False)  # signs the booking page's forms
    coordinator_emails: tuple[str, ...] = ()
    notification_queue_url: str | None = None  # SQS wake-ups for delivery (prod)
    busy_queue_url: str | None = None  # SQS on-demand busy-source syncs (prod)
    parameter_path: str | None = None  # SSM path; CalDAV passwords live below it
    # Microsoft Graph app-only access for busy sources (docs/BUSY.md); the URLs point at
    # a local fake in tests, and ``source_ca_file`` trusts its certificate (local only).
    graph_tenant: str | None = None
    graph_client_id: str | None = None
    graph_client_secret: str | None = field(default=None, repr=False)
    graph_url: str = "https://graph.microsoft.com"
    graph_login_url: str = "https://login.microsoftonline.com"
    source_ca_file: str | None = None
    # Seconds a DynamoDB call may wait for an answer, and how many times it is tried: a
    # paused database answers 503 well inside API Gateway's 29 s (docs/DEPLOY.md).
    ddb_read_timeout: float = 4.0
    ddb_attempts: int = 3
    # The staff console's OpenID client at ``oidc_issuer`` (code flow + PKCE).
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)  # never in logs

    @property
    def is_local(self) -> bool:
        return self.stage != "prod"


# Secrets and identity-provider settings of a deployed stage live in SSM Parameter Store
# (docs/DEPLOY.md), never in the template; names below TAPAAMO_PARAMETER_PATH.
SSM_SETTINGS = {
    "oidc/issuer": "OIDC_ISSUER",
    "oidc/audience": "OIDC_AUDIENCE",
    "oidc/jwks_url": "OIDC_JWKS_URL",
    "oidc/client_id": "OIDC_CLIENT_ID",
    "oidc/client_secret": "OIDC_CLIENT_SECRET",
    "hook/secret": "TAPAAMO_HOOK_SECRET",
    "page/key": "TAPAAMO_PAGE_KEY",
    "graph/tenant": "TAPAAMO_GRAPH_TENANT",
    "graph/client_id": "TAPAAMO_GRAPH_CLIENT_ID",
    "graph/client_secret": "TAPAAMO_GRAPH_CLIENT_SECRET",
}


def load_settings() -> Settings:
    """Read the current environment (cheap; call it per request if needed).

    With ``TAPAAMO_PARAMETER_PATH`` set (the prod stack sets it) the values in
    :data:`SSM_SETTINGS` come from Parameter Store, cached per container.
    """
    env = dict(os.environ)
    if env.get("TAPAAMO_PARAMETER_PATH"):
        from chalicelib import secrets

        stored = secrets.parameters(env["TAPAAMO_PARAMETER_PATH"], _region(env))
        env.update({name: stored[key] for key, name in SSM_SETTINGS.items() if key in stored})
    return Settings(
        stage=env.get("TAPAAMO_STAGE", "local"),
        table=env.get("TAPAAMO_TABLE", "tapaamo"),
        region=_region(env),
        ddb_endpoint=env.get("TAPAAMO_DDB_ENDPOINT") or None,
        local_dir=Path(env.get("TAPAAMO_LOCAL_DIR", ".local")).resolve(),
        public_url=env.get("TAPAAMO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        oidc_issuer=env.get("OIDC_ISSUER") or None,
        oidc_audience=env.get("OIDC_AUDIENCE") or None,
        oidc_jwks_url=env.get("OIDC_JWKS_URL") or None,
        support_phone=env.get("TAPAAMO_SUPPORT_PHONE", "+358 9 310 44222"),
        crisis_phone=env.get("TAPAAMO_CRISIS_PHONE", "+358 9 310 44222"),
        sms_sender_id=env.get("TAPAAMO_SMS_SENDER_ID", "Tapaamo"),
        # The prod IAM policy allows sending only From this address (infra/policies).
        email_sender=env.get("TAPAAMO_MAIL_FROM", "tapaamo@example.org"),
        hook_secret=env.get("TAPAAMO_HOOK_SECRET") or None,
        page_key=env.get("TAPAAMO_PAGE_KEY") or None,
        # Comma-separated: who hears of overdue reviews (tiimivastaava).
        coordinator_emails=tuple(a.strip() for a in env.get("TAPAAMO_COORDINATOR_EMAIL", "")
                                 .split(",") if a.strip()),
        notification_queue_url=env.get("TAPAAMO_NOTIFICATION_QUEUE_URL") or None,
        busy_queue_url=env.get("TAPAAMO_BUSY_QUEUE_URL") or None,
        parameter_path=env.get("TAPAAMO_PARAMETER_PATH") or None,
        graph_tenant=env.get("TAPAAMO_GRAPH_TENANT") or None,
        graph_client_id=env.get("TAPAAMO_GRAPH_CLIENT_ID") or None,
        graph_client_secret=env.get("TAPAAMO_GRAPH_CLIENT_SECRET") or None,
        graph_url=_local_only(env, "TAPAAMO_GRAPH_URL", "https://graph.microsoft.com"),
        graph_login_url=_local_only(env, "TAPAAMO_GRAPH_LOGIN_URL",
                                    "https://login.microsoftonline.com"),
        source_ca_file=_local_only(env, "TAPAAMO_SOURCE_CA_FILE", None),
        ddb_read_timeout=float(env.get("TAPAAMO_DDB_READ_TIMEOUT") or 4.0),
        ddb_attempts=int(env.get("TAPAAMO_DDB_ATTEMPTS") or 3),
        oidc_client_id=env.get("OIDC_CLIENT_ID") or None,
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET") or None,
    )


def _local_only(env, name: str, default):
    """A setting only the local stage may change (where Graph is, what TLS it trusts)."""
    if env.get("TAPAAMO_STAGE", "local") == "prod":
        return default
    return env.get(name) or default


def _region(env) -> str:
    return env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or "eu-north-1"
