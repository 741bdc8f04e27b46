"""What the local stage "sent": the sink's lines (``<local dir>/notifications.log``), the
delivery sweep that fills it, and the links in a text."""

from __future__ import annotations

import json
import re
from pathlib import Path

LINK = re.compile(r"https?://\S+")


def messages(aws: dict) -> list[dict]:
    """Every message the sink got, in order: ``{channel, to, subject, body}``."""
    log = Path(aws["TAPAAMO_LOCAL_DIR"]) / "notifications.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def run_job(client, name: str) -> dict:
    """Invoke a scheduled function as EventBridge would (under the test's pinned clock)."""
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    return client.lambda_.invoke(name, event).payload


def deliver(client) -> dict:
    """The minute's delivery sweep: every due message goes to the sink."""
    return run_job(client, "sweep_notifications")


def link_in(body: str, public_url: str = "http://tapaamo.test") -> str:
    """The path of the one link in ``body`` on the public URL."""
    (link,) = LINK.findall(body)
    return link.removeprefix(public_url)
