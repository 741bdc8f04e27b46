"""Meeting outcomes and the calendar subscription page in Debian's Chromium, against the
real local stack and its OpenID provider.

A worker (demo account ``w-olli``, used by no other browser test) opens a service-need
assessment of their own with three held meetings and one recorded as a no-show, records
that one held with the keyboard, and sees the plan review appear. Then the subscription
page makes a feed link, shows it once with its QR code, and a second link makes the first
answer 410. Every state is checked with axe and photographed, in Finnish, Swedish and English.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import at_local
from tests.browser.test_console_browser import photograph, sign_in

pytestmark = pytest.mark.browser
WORKER = "w-olli"


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    yield context.new_page()
    context.close()


def assessment_with_meetings(stack, worker: str = WORKER) -> tuple[str, str]:
    """A new case of ``worker`` and a fresh partner: three meetings held, the latest one
    recorded as a no-show. Returns the case id and that meeting's day as Finnish writes it."""
    from datetime import date

    partner = f"w-{uuid.uuid4().hex[:6]}"
    assert stack.call("PUT", f"/workers/{partner}", {
        "name": "Pari Testinen", "email": f"{partner}@example.org"})[0] in (200, 201)
    today = date.today()
    status, case = stack.call("POST", "/cases", {
        "service": "palvelutarpeen-arviointi", "workers": [worker, partner],
        "start_date": (today - timedelta(days=40)).isoformat(), "meeting_minutes": 90,
        "meetings_per_week": 2, "locations": ["home"],
        "contact": {"phone": "040 123 4567", "language": "fi"}})
    assert status == 201, case
    for days, outcome in ((30, "held"), (25, "held"), (20, "held"), (10, "no-show")):
        start = at_local(today - timedelta(days=days), 10)
        status, made = stack.call("POST", "/appointments", {
            "case": case["id"], "start": start.isoformat(), "location": "home",
            "outcome": outcome})
        assert status == 201, made
    return case["id"], f"{start.day}.{start.month}."


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_worker_records_a_meeting_held_and_the_plan_review_appears(page_stack, desk):
    case_id, day = assessment_with_meetings(page_stack)
    sign_in(desk, page_stack.base_url, WORKER, f"/staff/cases/{case_id}")
    expect(desk.get_by_role("heading", name=f"Asiakkuus {case_id}")).to_be_visible()
    reviews = desk.locator("section[aria-labelledby=reviews-title]")
    expect(reviews.get_by_role("cell", name="Suunnitelma", exact=True)).to_have_count(0)
    past = desk.locator("section[aria-labelledby=past-title]")
    row = past.locator("tbody tr").first  # newest first: the no-show
    expect(row).to_contain_text(day)
    expect(row.get_by_role("cell", name="Ei saapunut", exact=True)).to_be_visible()
    photograph(desk, "outcomes-case-fi")

    held = row.get_by_role("button", name=re.compile(r"^Pidetty: "))
    held.focus()  # then the keyboard alone: Tab moves on, Shift+Tab comes back, Enter sends
    desk.keyboard.press("Tab")
    expect(row.get_by_role("button", name=re.compile(r"^Ei saapunut: "))).to_be_focused()
    desk.keyboard.press("Shift+Tab")
    expect(held).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("status")).to_have_text("Tapaamisen toteutuminen kirjattiin.")
    expect(past.locator("tbody tr").first.get_by_role("cell", name="Pidetty", exact=True)
           ).to_be_visible()
    expect(reviews.get_by_role("cell", name="Suunnitelma", exact=True)).to_be_visible()
    photograph(desk, "outcomes-case-recorded-fi")
    for language, outcome in (("sv", "Hölls"), ("en", "Held")):
        desk.goto(f"{page_stack.base_url}/staff/cases/{case_id}?lang={language}")
        expect(desk.get_by_role("heading", name=re.compile(case_id))).to_be_visible()
        expect(past.locator("tbody tr").first.get_by_role(
            "cell", name=outcome, exact=True)).to_be_visible()
        photograph(desk, f"outcomes-case-{language}")
    for language in ("fi", "sv", "en"):
        desk.goto(f"{page_stack.base_url}/staff/outcomes?lang={language}")
        photograph(desk, f"outcomes-list-{language}")


def test_the_subscription_page_shows_a_new_link_once_and_the_old_one_stops(page_stack, desk):
    base = page_stack.base_url
    sign_in(desk, base, WORKER, "/staff/feed")
    expect(desk.get_by_role("heading", name="Kalenteritilaus", level=1)).to_be_visible()
    expect(desk.get_by_role("textbox")).to_have_count(0)  # no link until one is made
    photograph(desk, "feed-fi")
    links = []
    for language, make in (("sv", "Gör en ny kalenderlänk"), ("en", "Make a new calendar link")):
        desk.goto(f"{base}/staff/feed?lang={language}")
        photograph(desk, f"feed-{language}")
        desk.get_by_role("button", name=make).click()
        expect(desk.get_by_role("status")).to_be_visible()
        https = desk.get_by_role("textbox").input_value()
        webcal = desk.locator("a[href^='webcal://']").get_attribute("href")
        assert webcal == "webcal://" + https.split("://", 1)[1]
        expect(desk.locator(".qr svg")).to_be_visible()
        photograph(desk, f"feed-made-{language}")
        links.append(https)
    assert status_of(links[1]) == 200
    assert status_of(links[0]) == 410  # replaced by the second
