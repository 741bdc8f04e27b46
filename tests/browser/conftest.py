"""The real local stack for the browser tests, a Chromium, and the axe/screenshot check.

``page_stack`` is the project's ``local_stack`` (DynamoDB Local + chalice local + the
pump, ``tests/support/stack.py``) with helpers to make families through the staff API.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.client import staff_headers

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Stack:
    base_url: str
    local_dir: Path

    def staff(self) -> dict:
        return staff_headers(self.local_dir)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers=self.staff())
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def family(self, language: str = "fi", office: str | None = None, rooms: int = 2) -> str:
        """A new case (two workers, home or an office) and its booking page URL.

        ``office``: an existing office to share (e.g. with a rival family), else a new one.
        """
        suffix = uuid.uuid4().hex[:6]
        if office is None:
            office = f"o-{suffix}"
            assert self.call("PUT", f"/offices/{office}", {
                "name": "Kallion toimipiste", "name_sv": "Berghälls verksamhetsställe",
                "address": "Toinen linja 4, Helsinki", "rooms": rooms})[0] == 200
        workers = [f"w-{suffix}-{n}" for n in (1, 2)]
        for worker, name in zip(workers, ("Aino Testinen", "Eero Testinen")):
            assert self.call("PUT", f"/workers/{worker}", {
                "name": name, "email": f"{worker}@example.org",
                "phone": "040 100 0001"})[0] in (200, 201)
        status, case = self.call("POST", "/cases", {
            "service": "tehostettu-perhetyo", "workers": workers, "start_date": "2026-01-05",
            "meeting_minutes": 90, "meetings_per_week": 3, "locations": ["home", office],
            "contact": {"phone": "040 123 4567", "language": language}})
        assert status == 201, case
        status, link = self.call("POST", f"/cases/{case['id']}/booking-links", {})
        assert status == 201, link
        return link["url"]


@pytest.fixture(scope="session")
def page_stack(local_stack) -> Stack:
    """The session's real local stack; its signing key lives in its local dir."""
    return Stack(local_stack.base_url, Path(local_stack.environment["TAPAAMO_LOCAL_DIR"]))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A 360 × 740 px phone with JavaScript on (the page works without it too)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_phone(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def sms_matching(stack: Stack, phone: str, pattern: re.Pattern, timeout: float = 60.0) -> str:
    """The first SMS the local pump delivered to ``phone`` whose text matches ``pattern``
    (read from the sink, waiting up to ``timeout`` seconds for it)."""
    log = stack.local_dir / "notifications.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                sent = json.loads(line)
                if sent["to"] == phone and sent["channel"] == "sms" \
                        and pattern.search(sent["body"]):
                    return sent["body"]
        time.sleep(0.5)
    raise AssertionError(f"no SMS to {phone} matching {pattern.pattern!r} within {timeout} s")


def settled(page) -> None:
    """Wait until the page's script has swapped in the times it fetched (if it fetched)."""
    page.wait_for_selector("#times:not([aria-busy])", state="attached")


def check_state(page, name: str, browser=None) -> None:
    """Screenshot the page state and assert axe finds no serious or critical violation.

    axe is evaluated as the file's text (Playwright's evaluate is not subject to the page's
    CSP, which forbids every script). A page without JavaScript is re-opened in a context
    with JavaScript for the axe run.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    target = page
    if browser is not None:
        context = browser.new_context(viewport=page.viewport_size)
        target = context.new_page()
        target.goto(page.url)
    target.evaluate(AXE.read_text())
    result = target.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
                             "'wcag21aa', 'best-practice']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if browser is not None:
        target.context.close()
    assert not bad, f"{name}: {bad}"
