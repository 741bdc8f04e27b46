"""The escalation board in Chromium on the real local stack: new requests appear by themselves.

A coordinator keeps ``/staff/escalations`` open; a family presses help; the request shows
up within 15 s without a reload (the page's script), and, with JavaScript off, on reload.
The coordinator sees the family's words, acknowledges with the button, and the request
moves under "Acknowledged". Checked with axe and photographed.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_state
from tests.browser.test_console_browser import SIZES, sign_in

pytestmark = pytest.mark.browser


def family_presses_help(stack, words: str) -> str:
    """A new family's help request (the JSON route the family page's button posts to)."""
    token = stack.family().rsplit("/book/", 1)[1]
    request = urllib.request.Request(f"{stack.base_url}/book/{token}/help", method="POST",
                                     data=json.dumps({"message": words}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["escalation_id"][:6].upper()


@pytest.fixture
def board_desk(browser):
    context = browser.new_context(viewport=SIZES["desktop"], locale="fi-FI")
    yield context.new_page()
    context.close()


@pytest.fixture
def board_desk_without_js(browser):
    context = browser.new_context(viewport=SIZES["desktop"], locale="fi-FI",
                                  java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_a_new_request_appears_on_the_open_board_within_15_s_and_can_be_acknowledged(
        page_stack, board_desk):
    page = board_desk
    sign_in(page, page_stack.base_url, "coordinator", "/staff/escalations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tukipyynnöt")
    code = family_presses_help(page_stack, "Tarvitsemme apua illalla")
    card = page.locator("article.escalation", has_text=code)
    expect(card).to_be_visible(timeout=15_000)  # no reload: the page's script fetched it
    expect(card).to_contain_text("Tarvitsemme apua illalla")
    opened = page.locator("section", has=page.locator("#board-open"))
    expect(opened.locator("article.escalation", has_text=code)).to_be_visible()
    check_state(page, "console-escalations-open-desktop")
    card.get_by_role("button", name=f"Kuittaa pyyntö {code}").click()
    acknowledged = page.locator("section", has=page.locator("#board-acknowledged"))
    expect(acknowledged.locator("article.escalation", has_text=code)).to_be_visible()
    expect(acknowledged).to_contain_text("kuittasi coordinator")
    page.set_viewport_size(SIZES["tablet"])
    check_state(page, "console-escalations-acknowledged-tablet")


def test_without_javascript_a_reload_shows_the_new_request(page_stack, board_desk_without_js):
    page = board_desk_without_js
    sign_in(page, page_stack.base_url, "coordinator", "/staff/escalations")
    code = family_presses_help(page_stack, "Soittakaa meille")
    page.wait_for_timeout(1_000)
    expect(page.locator("article.escalation", has_text=code)).to_have_count(0)
    page.reload()
    expect(page.locator("article.escalation", has_text=code)).to_be_visible()
