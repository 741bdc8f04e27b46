"""A family presses help and the primary acknowledges by SMS reply, on the REAL local stack.

The reply goes the way a real one does locally: ``python -m chalicelib.cli sms-reply``
spools it, the stack's pump hands it to ``inbound_sms``. Everything else is HTTP and the
stack's notification sink.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_booking_localstack import http
from tests.support.notify import sink_messages
from tests.support.stack import PROJECT_DIR, local_stack  # noqa: F401 - fixture

pytestmark = pytest.mark.localstack

PRIMARY_WAIT = 20  # seconds before the secondary would be paged


def number() -> str:
    return "+35840" + str(uuid.uuid4().int)[:7]


def on_call_now(stack, staff, level: str) -> tuple[str, str]:
    """A new worker with a phone covering ``level`` for the next hour; (id, phone)."""
    worker, phone = f"oc-{uuid.uuid4().hex[:8]}", number()
    answer = http(stack, "PUT", f"/workers/{worker}", {"name": "W", "phone": phone}, staff)
    assert answer[0] in (200, 201), answer
    now = datetime.now(UTC)
    status, body = http(stack, "POST", "/oncall/overrides", {
        "worker": worker, "level": level, "start": (now - timedelta(minutes=1)).isoformat(),
        "end": (now + timedelta(hours=1)).isoformat()}, staff)
    assert status == 201, body
    return worker, phone


def family_link(stack, staff, phone: str) -> str:
    worker = f"cw-{uuid.uuid4().hex[:8]}"
    assert http(stack, "PUT", f"/workers/{worker}", {"name": "W"}, staff)[0] in (200, 201)
    status, case = http(stack, "POST", "/cases", {
        "service": "perhetyo", "workers": [worker], "start_date": "2026-01-01",
        "meeting_minutes": 90, "meetings_per_week": 1, "locations": ["home"],
        "contact": {"phone": phone, "language": "fi"}}, staff)
    assert status == 201, case
    status, link = http(stack, "POST", f"/cases/{case['id']}/booking-links", {}, staff)
    assert status == 201, link
    return link["url"].rsplit("/book/", 1)[1]


def sms_reply(stack, sender: str, text: str) -> None:
    env = {**os.environ, **stack.environment}
    subprocess.run([sys.executable, "-m", "chalicelib.cli", "sms-reply", "--from", sender, text],
                   cwd=PROJECT_DIR, env=env, check=True, capture_output=True)


def texts_to(stack, phone: str) -> list[str]:
    return [m["body"] for m in sink_messages(stack.settings.stack_dir) if m["to"] == phone]


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError("timed out")


def spool_empty(stack) -> bool:
    spool = stack.settings.stack_dir / "queue" / "inbound-sms"
    return not spool.exists() or not any(spool.glob("*.json"))


def test_the_primary_replies_ok_by_sms_and_the_secondary_is_never_paged(local_stack):  # noqa: F811
    stack = local_stack
    staff = {"Authorization": f"Bearer {stack.token('coordinator')}"}
    assert http(stack, "PUT", "/oncall/policy", {"steps": [
        {"notify": "primary", "wait_seconds": PRIMARY_WAIT},
        {"notify": "secondary", "wait_seconds": 60}], "repeat": 0}, staff)[0] == 200
    primary, primary_phone = on_call_now(stack, staff, "primary")
    _, secondary_phone = on_call_now(stack, staff, "secondary")
    family_phone = number()
    token = family_link(stack, staff, family_phone)

    status, opened = http(stack, "POST", f"/book/{token}/help", {"message": "apua"})
    assert status == 201, opened
    escalation = f"/escalations/{opened['escalation_id']}"
    (page,) = wait_for(lambda: texts_to(stack, primary_phone))
    assert page.startswith("Päivystys: tukipyyntö ") and "apua" not in page

    # A reply from a number that is nobody's changes nothing.
    stranger = number()
    sms_reply(stack, stranger, "OK")
    wait_for(lambda: spool_empty(stack))
    assert http(stack, "GET", escalation, headers=staff)[1]["status"] == "open"

    sms_reply(stack, primary_phone, "OK")
    state = wait_for(lambda: (s := http(stack, "GET", escalation, headers=staff)[1])
                     ["status"] == "acknowledged" and s)
    assert state["acknowledged_by"] == primary
    assert any(t.startswith("Pyyntösi on vastaanotettu") for t in texts_to(stack, family_phone))
    # Well past the primary's wait, with the pump sweeping every 2 s: nobody else is paged.
    time.sleep(PRIMARY_WAIT + 6)
    assert texts_to(stack, secondary_phone) == [] and texts_to(stack, stranger) == []
    assert len(texts_to(stack, primary_phone)) == 1
    assert not any("112" in t for t in texts_to(stack, family_phone))
