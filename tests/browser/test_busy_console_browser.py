"""A worker's own calendar in the console, in Debian's Chromium against the real local
stack: a coordinator reads how a published .ics (served from loopback by this test) last
synced, presses "sync now" (by keyboard, too) and reads the busy count and then the error
once the calendar is gone, in Finnish and Swedish; axe checks every state."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_state
from tests.browser.test_console_browser import desk, sign_in  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def calendar_text() -> bytes:
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0,
                                                            microsecond=0)
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    end = (start + timedelta(hours=2)).strftime("%Y%m%dT%H%M%SZ")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//busy//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:court-{uuid.uuid4().hex}\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\n"
            f"DTEND:{end}\r\nSUMMARY:Oikeudenkäynti\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            ).encode()


@pytest.fixture
def published():
    """A .ics on 127.0.0.1 (the local stage may fetch loopback); ``gone`` makes it 404."""
    body = calendar_text()
    state = {"gone": False}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            status = 404 if state["gone"] else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/calendar.ics", state
    server.shutdown()


def reload_until(page, locator, pattern, timeout: float = 90):
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    while datetime.now(UTC) < deadline:
        if re.search(pattern, locator.inner_text()):
            return
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError(f"{pattern!r} never showed: {locator.inner_text()!r}")


def test_a_coordinator_reads_the_sync_and_syncs_now_in_finnish_and_swedish(
        page_stack, desk, published):
    url, state = published
    worker = f"w-cal-{uuid.uuid4().hex[:6]}"
    assert page_stack.call("PUT", f"/workers/{worker}", {
        "name": "Kalle Kalenteri", "email": f"{worker}@example.org"})[0] in (200, 201)
    assert page_stack.call("PUT", f"/workers/{worker}/busy-source",
                           {"kind": "ics", "url": url})[0] == 200
    base = page_stack.base_url
    sign_in(desk, base, "coordinator", f"/staff/workers/{worker}/calendar")
    expect(desk.get_by_role("heading", name="Oma kalenteri")).to_be_visible()
    facts = desk.locator("dl.facts")
    expect(facts).to_contain_text("Julkaistu iCal-linkki")
    expect(facts).to_contain_text("127.0.0.1")
    check_state(desk, "console-busy-source")
    desk.get_by_role("button", name="Hae nyt").click()
    expect(desk.get_by_role("status")).to_have_text(
        "Haku aloitettiin. Päivitä sivu hetken päästä.")
    reload_until(desk, facts, r"Varattuja aikoja\s+1\b")
    expect(facts).to_contain_text("ei virheitä")
    state["gone"] = True
    desk.goto(f"{base}/staff/workers/{worker}/calendar?lang=sv")
    expect(desk.get_by_role("heading", name="Egen kalender")).to_be_visible()
    button = desk.get_by_role("button", name="Hämta nu")
    button.focus()
    desk.keyboard.press("Enter")  # by keyboard alone
    expect(desk.get_by_role("status")).to_contain_text("Hämtningen har börjat")
    reload_until(desk, facts, r"Senaste fel\s+\S*127\.0\.0\.1")
    expect(facts).to_contain_text("Upptagna tider")  # the last good intervals are kept
    assert re.search(r"Upptagna tider\s+1\b", facts.inner_text())
    check_state(desk, "console-busy-source-error-sv")


def test_a_worker_finds_their_own_calendar_from_home_and_not_anothers(page_stack, desk):
    base = page_stack.base_url
    sign_in(desk, base, "w-aino")
    desk.get_by_role("link", name="Oma kalenteri").click()
    expect(desk.get_by_role("heading", name="Oma kalenteri")).to_be_visible()
    expect(desk.get_by_text("w-aino", exact=True)).to_be_visible()
    check_state(desk, "console-busy-own")
    desk.goto(f"{base}/staff/workers/w-someone-else/calendar")
    expect(desk.get_by_role("heading", name="Ei käyttöoikeutta")).to_be_visible()
