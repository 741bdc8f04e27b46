"""A shift swap in Chromium on the real local stack, in English and by keyboard: Sara asks
for a swap of a cover of hers, Eero takes it, the rota changes only then, and Sara's SMS
(read from the local sink) links to the console.

The shift is the test's own two-hour cover twelve days ahead, so the shared stack's
coverage and who is on call now stay as they were.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import at_local, local
from tests.browser.conftest import check_state, sms_matching
from tests.browser.test_console_browser import SIZES, sign_in
from tests.browser.test_rotation_browser import press, primary_at

pytestmark = pytest.mark.browser
SARA_PHONE = "+358401000005"  # the demo's


@pytest.fixture
def desks(browser):
    """Two people's browsers (each its own cookies)."""
    contexts = [browser.new_context(viewport=SIZES["desktop"], locale="en-GB")
                for _ in range(2)]
    yield [c.new_page() for c in contexts]
    for context in contexts:
        context.close()


def test_a_worker_asks_for_a_swap_and_another_takes_the_shift(page_stack, desks):
    day = local(datetime.now(UTC)).date() + timedelta(days=12)
    start, end = at_local(day, 2), at_local(day, 4)
    status, body = page_stack.call("POST", "/oncall/overrides", {
        "worker": "w-sara", "level": "primary", "start": start.isoformat(),
        "end": end.isoformat()})
    assert status == 201, body
    hours = re.compile(r" 2:00 – .* 4:00")

    sara, eero = desks
    sign_in(sara, page_stack.base_url, "w-sara", "/staff/oncall?lang=en")
    mine = sara.locator('section[aria-labelledby="mine-title"] tr').filter(has_text=hours)
    press(mine.get_by_role("button", name=re.compile("^Ask for a swap")))
    expect(sara.get_by_role("status")).to_have_text("The swap request is sent.")
    assert primary_at(page_stack, start + timedelta(hours=1)) == "w-sara"
    check_state(sara, "console-swap-asked-desktop")

    sign_in(eero, page_stack.base_url, "w-eero", "/staff/oncall?lang=en")
    offered = eero.locator('section[aria-labelledby="swaps-title"] tr').filter(
        has_text=hours).filter(has_text="w-sara")
    press(offered.get_by_role("button", name=re.compile("^Take the shift")))
    expect(eero.get_by_role("status")).to_have_text("The shift is now yours.")
    expect(eero.locator('section[aria-labelledby="swaps-title"] tr').filter(
        has_text=hours)).to_contain_text("Accepted: w-eero")
    assert primary_at(page_stack, start + timedelta(hours=1)) == "w-eero"
    check_state(eero, "console-swap-accepted-desktop")

    sms = sms_matching(page_stack, SARA_PHONE, re.compile("^Vaihto hyväksytty"))
    assert "w-eero" not in sms and "Eero" not in sms
    [link] = re.findall(r"https?://\S+", sms)
    assert link.endswith("/staff/oncall")
    eero.goto(link)
    expect(eero.get_by_role("heading", level=1)).to_have_text("On call")

