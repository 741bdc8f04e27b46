"""A real HTTP server for the browser tests, a Chromium, and the axe/screenshot check.

Until the project's ``local_stack`` fixture (DynamoDB Local + chalice local) is on main,
``page_stack`` starts ``chalice local`` against a moto server: a real HTTP server, an
in-memory DynamoDB. Swap it for ``local_stack`` when that lands.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@dataclass
class Stack:
    base_url: str
    local_dir: Path

    def staff(self) -> dict:
        from chalicelib.auth import mint_local_token

        token = mint_local_token(self.local_dir, "coordinator", None, datetime.now(UTC))
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

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

    def family(self, language: str = "fi") -> str:
        """A new case (two workers, home or an office) and its booking page URL."""
        suffix = uuid.uuid4().hex[:6]
        office = f"o-{suffix}"
        assert self.call("PUT", f"/offices/{office}", {
            "name": "Kallion toimipiste", "address": "Toinen linja 4, Helsinki", "rooms": 2})[0] == 200
        workers = [f"w-{suffix}-{n}" for n in (1, 2)]
        for worker in workers:
            assert self.call("PUT", f"/workers/{worker}", {
                "name": "Worker", "email": f"{worker}@example.org", "phone": "040 100 0001"})[0] == 200
        status, case = self.call("POST", "/cases", {
            "service": "tehostettu-perhetyo", "workers": workers, "start_date": "2026-01-05",
            "meeting_minutes": 90, "meetings_per_week": 3, "locations": ["home", office],
            "contact": {"phone": "040 123 4567", "language": language}})
        assert status == 201, case
        status, link = self.call("POST", f"/cases/{case['id']}/booking-links", {})
        assert status == 201, link
        return link["url"]


@pytest.fixture(scope="session")
def page_stack(tmp_path_factory):
    """``chalice local`` on a free port, its DynamoDB a moto server on another."""
    import boto3

    from chalicelib.store.table import create_table

    local_dir = tmp_path_factory.mktemp("local")
    ddb_port, api_port = free_port(), free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "eu-north-1", "TAPAAMO_TABLE": "tapaamo-browser",
           "TAPAAMO_DDB_ENDPOINT": f"http://127.0.0.1:{ddb_port}",
           "TAPAAMO_LOCAL_DIR": str(local_dir), "TAPAAMO_PUBLIC_URL": f"http://127.0.0.1:{api_port}"}
    bin_dir = Path(sys.executable).parent
    processes = []
    try:
        processes.append(subprocess.Popen([str(bin_dir / "moto_server"), "-p", str(ddb_port)],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(f"http://127.0.0.1:{ddb_port}/", processes[0])
        create_table(boto3.client("dynamodb", endpoint_url=env["TAPAAMO_DDB_ENDPOINT"],
                                  region_name="eu-north-1", aws_access_key_id="testing",
                                  aws_secret_access_key="testing"), env["TAPAAMO_TABLE"])
        processes.append(subprocess.Popen(
            [str(bin_dir / "chalice"), "local", "--no-autoreload", "--port", str(api_port),
             "--stage", "local"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        wait_for(f"http://127.0.0.1:{api_port}/health", processes[1])
        yield Stack(f"http://127.0.0.1:{api_port}", local_dir)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)


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
    """A 360 px wide phone with JavaScript on (the page itself has none)."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_js_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    yield context.new_page()
    context.close()


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
