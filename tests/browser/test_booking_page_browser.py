"""The family's booking page in Debian's Chromium against a real local HTTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import local
from tests.browser.conftest import check_state, settled

pytestmark = pytest.mark.browser


def next_week(url: str) -> str:
    """The page's URL showing next week, which always has working days ahead."""
    from datetime import UTC, datetime

    today = local(datetime.now(UTC)).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    return f"{url}?week={monday.isoformat()}"


def book_first_slot(page, url: str) -> None:
    page.goto(next_week(url))
    page.locator("ul.slots button").first.click()
    page.get_by_role("button", name="Vahvista varaus").click()


def test_a_family_books_a_time_and_sees_the_confirmation(page_stack, phone):
    url = page_stack.family()
    phone.goto(next_week(url))
    check_state(phone, "01-page-fi")
    phone.locator("ul.slots button").first.click()
    check_state(phone, "02-confirm")
    phone.get_by_role("button", name="Vahvista varaus").click()
    expect(phone.get_by_role("heading", name="Tapaaminen on varattu")).to_be_visible()
    assert phone.get_by_role("link", name="Lisää kalenteriin").get_attribute("href").endswith(".ics")
    check_state(phone, "03-booked")
    phone.get_by_role("link", name="Takaisin omiin tapaamisiin").click()
    assert phone.locator("li.appointment").count() == 1
    check_state(phone, "04-page-with-appointment")


def test_a_family_cancels_after_confirming(page_stack, phone):
    url = page_stack.family()
    book_first_slot(phone, url)
    phone.goto(url)
    phone.get_by_role("link", name="Peru").click()
    check_state(phone, "05-cancel-confirm")
    phone.get_by_role("button", name="Kyllä, peru tapaaminen").click()
    expect(phone.get_by_text("Tapaaminen on peruttu.")).to_be_visible()
    assert phone.locator("li.appointment").count() == 0
    check_state(phone, "06-cancelled")


def test_a_family_moves_an_appointment_to_another_slot(page_stack, phone):
    url = page_stack.family()
    book_first_slot(phone, url)
    old = phone.locator("p.when").inner_text()
    phone.goto(url)
    phone.get_by_role("link", name="Siirrä").click()
    phone.get_by_role("button", name="Seuraava viikko").click()
    settled(phone)
    check_state(phone, "07-move-choose")
    phone.locator("ul.slots button").nth(1).click()
    check_state(phone, "08-move-confirm")
    phone.get_by_role("button", name="Vahvista siirto").click()
    expect(phone.get_by_role("heading", name="Tapaaminen on siirretty")).to_be_visible()
    new = phone.locator("p.when").inner_text()
    phone.goto(url)
    assert phone.locator("p.when").all_inner_texts() == [new] and new != old


def test_the_language_switch_is_remembered(page_stack, phone):
    url = page_stack.family()
    phone.goto(url)
    phone.get_by_role("link", name="Svenska").click()
    assert phone.locator("html").get_attribute("lang") == "sv"
    expect(phone.get_by_role("heading", name="Lediga tider")).to_be_visible()
    check_state(phone, "09-page-sv")
    phone.goto(url)
    assert phone.locator("html").get_attribute("lang") == "sv"
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_role("heading", name="Free times")).to_be_visible()
    check_state(phone, "10-page-en")


def test_a_family_books_with_javascript_disabled(page_stack, no_js_phone, browser):
    url = page_stack.family()
    book_first_slot(no_js_phone, url)
    expect(no_js_phone.get_by_role("heading", name="Tapaaminen on varattu")).to_be_visible()
    check_state(no_js_phone, "11-booked-without-js", browser)


def test_a_revoked_link_shows_the_friendly_410_page(page_stack, phone):
    url = page_stack.family(language="en")
    case_id = url.rsplit("/", 1)[1].split(".")[0]
    assert page_stack.call("DELETE", f"/cases/{case_id}/booking-links")[0] == 204
    response = phone.goto(url)
    assert response.status == 410
    expect(phone.get_by_text("Ask your workers for a new link")).to_be_visible()
    check_state(phone, "12-link-gone")


def test_the_page_fits_a_320_px_screen_without_sideways_scrolling(page_stack, browser):
    url = page_stack.family()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(next_week(url))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.evaluate("document.body.style.zoom = '2'")
    check_state(page, "13-320px-zoom-200")
    context.close()


def test_the_help_button_says_help_is_coming_with_the_support_number(page_stack, phone):
    url = page_stack.family(language="sv")
    phone.goto(url)
    phone.get_by_label("Vad har hänt? (frivilligt)").fill("Vi behöver prata")
    check_state(phone, "14-help-form")
    phone.get_by_role("button", name="Be om hjälp nu").click()
    assert phone.url.endswith("/page/help-sent")
    expect(phone.get_by_role("heading", name="Hjälp är på väg")).to_be_visible()
    expect(phone.get_by_role("link", name="+358 9 310 44222")).to_be_visible()
    check_state(phone, "15-help-sent")


def test_a_bad_callback_number_keeps_the_family_on_the_page_with_a_notice(page_stack, phone):
    phone.goto(page_stack.family())
    phone.get_by_label("Numero, johon soitetaan (vapaaehtoinen)").fill("ei numero")
    phone.get_by_role("button", name="Pyydä apua nyt").click()
    expect(phone.get_by_text("Apupyyntöä ei voitu lähettää")).to_be_visible()
    check_state(phone, "16-help-invalid")
