"""The on-call page in Chromium on the real local stack: a gap, "add cover", preview, save.

The demo's secondary rotation is moved to begin in three days, which leaves a gap from
today's midnight; the coordinator fills it with a cover from the gap's own link, sees it
in the preview before saving, and afterwards the page and ``GET /oncall/gaps`` agree that
no gap is left (the shared stack ends fully covered again).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import at_local, local
from tests.browser.conftest import check_state
from tests.browser.test_console_browser import SIZES, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator_desk(browser):
    context = browser.new_context(viewport=SIZES["desktop"], locale="fi-FI")
    yield context.new_page()
    context.close()


def secondary_gaps(stack) -> list:
    today = local(datetime.now(UTC)).date()
    # Instants: the API refuses plain dates here although the contract allows them.
    span = urlencode({"from": at_local(today, 0).isoformat(),
                      "to": at_local(today + timedelta(days=14), 0).isoformat()})
    status, body = stack.call("GET", f"/oncall/gaps?{span}")
    assert status == 200, body
    return [g for g in body["gaps"] if g["level"] == "secondary"]


def test_a_coordinator_fills_a_gap_with_a_cover_after_previewing_it(page_stack,
                                                                    coordinator_desk):
    today = local(datetime.now(UTC)).date()
    begins = at_local(today + timedelta(days=3), 8)
    status, body = page_stack.call("POST", "/oncall/rotations", {
        "id": "demo-secondary", "level": "secondary", "workers": ["w-sara", "w-eero"],
        "start": begins.isoformat(), "shift_hours": 168})
    assert status == 201, body
    assert len(secondary_gaps(page_stack)) == 1

    page = coordinator_desk
    sign_in(page, page_stack.base_url, "coordinator", "/staff/oncall")
    secondary = page.locator('section[aria-labelledby="level-secondary"]')
    gap = secondary.locator("tr.gap")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("Aukko: ei päivystäjää")
    check_state(page, "console-oncall-gap-desktop")

    gap.get_by_role("link", name="Lisää päivystäjä").click()
    expect(page.get_by_label("Taso")).to_have_value("secondary")
    page.get_by_label("Työntekijä").fill("w-sara")
    page.get_by_role("button", name="Esikatsele").click()
    preview = page.locator('section[aria-labelledby="level-secondary-preview"]')
    expect(preview.locator("tr.gap")).to_have_count(0)
    expect(preview).to_contain_text("w-sara")
    assert len(secondary_gaps(page_stack)) == 1  # a preview writes nothing
    check_state(page, "console-oncall-preview-desktop")

    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status")).to_have_text("Päivystäjä on lisätty.")
    expect(secondary.locator("tr.gap")).to_have_count(0)
    assert secondary_gaps(page_stack) == []
    page.set_viewport_size(SIZES["tablet"])
    check_state(page, "console-oncall-covered-tablet")
