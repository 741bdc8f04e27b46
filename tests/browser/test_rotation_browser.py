"""Rotations and the escalation policy in Chromium on the real local stack, in Swedish and
by keyboard: a coordinator makes a rotation, previews and saves it, then ends it with a
preview, and previews who the policy pages when; a worker gets the 403 page.

The rotation is the test's own (a unique id) and lies ten days ahead for two days, after
which the demo rotation takes over again, so the shared stack's coverage stays whole.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import at_local, local
from chalicelib.web.oncall_view import field_value
from tests.browser.conftest import check_state
from tests.browser.test_console_browser import SIZES, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser):
    """A Swedish-speaking coordinator's browser (sign-in keeps the path, not ``?lang=``)."""
    context = browser.new_context(viewport=SIZES["desktop"], locale="sv-SE")
    yield context.new_page()
    context.close()


def primary_at(stack, instant: datetime) -> str | None:
    status, body = stack.call("GET", f"/oncall/now?at={quote(instant.isoformat())}")
    assert status == 200, body
    return (body["primary"] or {}).get("worker")


def press(locator) -> None:
    locator.focus()
    locator.press("Enter")


def test_a_coordinator_makes_and_ends_a_rotation_after_previewing_each(page_stack, desk):
    today = local(datetime.now(UTC)).date()
    begins, ends = at_local(today + timedelta(days=10), 8), at_local(today + timedelta(days=12), 8)
    rotation_id = f"rot-{secrets.token_hex(3)}"
    second_day = begins + timedelta(days=1, hours=4)
    before = primary_at(page_stack, second_day)
    page = desk
    sign_in(page, page_stack.base_url, "coordinator", "/staff/oncall?lang=sv")
    press(page.get_by_role("link", name="Ny turlista"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny turlista")
    page.get_by_label("Kod").fill(rotation_id)
    page.get_by_label("Arbetstagare i turordning").fill("w-eero")
    page.get_by_label("Första passet börjar").fill(field_value(begins))
    page.get_by_label("Passets längd (timmar)").fill("24")
    page.get_by_label("Slutar").fill(field_value(ends))
    press(page.get_by_role("button", name="Förhandsgranska"))
    preview = page.locator('section[aria-labelledby="level-primary-preview"]')
    expect(preview).to_contain_text("w-eero")
    assert primary_at(page_stack, begins + timedelta(hours=4)) != "w-eero"  # nothing written
    check_state(page, "console-rotation-preview-desktop")

    press(page.get_by_role("button", name="Spara turlistan"))
    expect(page.get_by_role("status")).to_have_text("Turlistan är sparad.")
    assert primary_at(page_stack, second_day) == "w-eero"
    press(page.get_by_role("link", name=f"Avsluta turlistan {rotation_id}", exact=True))
    page.get_by_label("Slutar").fill(field_value(begins + timedelta(days=1)))
    press(page.get_by_role("button", name="Förhandsgranska"))
    expect(page.get_by_role("button", name="Avsluta turlistan")).to_be_visible()
    check_state(page, "console-rotation-end-preview-desktop")
    press(page.get_by_role("button", name="Avsluta turlistan"))
    expect(page.get_by_role("status")).to_have_text("Turlistan är avslutad.")
    assert primary_at(page_stack, begins + timedelta(hours=4)) == "w-eero"
    assert primary_at(page_stack, second_day) == before  # the demo rotation again
    page.set_viewport_size(SIZES["tablet"])
    check_state(page, "console-oncall-rotations-tablet")


def test_a_worker_cannot_open_the_rotation_form(page_stack, desk):
    sign_in(desk, page_stack.base_url, "w-aino", "/staff/oncall?lang=sv")
    expect(desk.get_by_role("link", name="Ny turlista")).to_have_count(0)
    answer = desk.goto(page_stack.base_url + "/staff/oncall/rotations/new")
    assert answer.status == 403
    check_state(desk, "console-rotation-forbidden-desktop")


def test_a_coordinator_previews_who_the_policy_pages_when(page_stack, desk):
    """Preview only: the shared stack's policy is what the escalation tests page by."""
    page = desk
    sign_in(page, page_stack.base_url, "coordinator", "/staff/oncall?lang=sv")
    press(page.get_by_role("link", name="Eskaleringskedja"))
    timeline = page.locator('section[aria-labelledby="timeline-title"] tbody tr')
    expect(timeline.first).to_contain_text("0 min")
    page.get_by_label("Vänta på kvittering (min)").first.fill("3")
    press(page.get_by_role("button", name="Förhandsgranska"))
    expect(page.get_by_role("heading", name=re.compile("inte sparad än"))).to_be_visible()
    expect(timeline.nth(1)).to_contain_text("3 min")
    expect(timeline.last).to_contain_text("Familjen får nödnumren")
    check_state(page, "console-policy-preview-desktop")
