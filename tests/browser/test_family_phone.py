"""The family page on a 360 × 740 phone in Debian's Chromium: what the first screen holds,
a place change, a move within one day, the keyboard, and axe in Finnish and Swedish."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE, check_state, settled

pytestmark = pytest.mark.browser


def in_first_screen(page, locator) -> bool:
    """True if ``locator`` is wholly visible without scrolling."""
    assert page.evaluate("window.scrollY") == 0
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def first_screen(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def family_json(url: str, path: str, body=None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("language, help_name, heading", [
    ("fi", "Tarvitsemme apua nyt", "Vapaat ajat"), ("sv", "Vi behöver hjälp nu", "Lediga tider")])
def test_the_first_screen_holds_the_help_button_and_the_next_free_times(
        page_stack, phone, language, help_name, heading):
    phone.goto(page_stack.family(language=language))
    expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    assert in_first_screen(phone, phone.get_by_role("link", name=help_name))
    times = phone.locator("ul.slots button")
    assert times.count() >= 4
    assert all(in_first_screen(phone, times.nth(n)) for n in range(4))
    # Compact: a day at a time in a grid of at least four columns, not one long column.
    assert len({round(times.nth(n).bounding_box()["y"]) for n in range(4)}) == 1
    expect(phone.get_by_text("Aino" + (" ja " if language == "fi" else " och ") + "Eero")
           ).to_be_visible()
    first_screen(phone, f"20-first-screen-{language}")
    check_state(phone, f"21-page-{language}")
    phone.get_by_role("link", name=help_name).click()
    assert phone.evaluate("document.activeElement.id") == "help-title"


def test_changing_the_place_shows_that_places_times_and_a_tap_books_it(page_stack, phone):
    phone.goto(page_stack.family(rooms=1))
    office_id = phone.locator("input[name=place]").nth(1).get_attribute("value")
    first = phone.locator("ul.slots button").first
    first_start = first.get_attribute("value")
    # A rival family takes the office's only room at the first free time.
    rival = page_stack.family(office=office_id)
    base, rival_token = rival.rsplit("/book/", 1)
    made = family_json(base, f"/book/{rival_token}/appointments",
                       {"start": first_start, "location": office_id})
    assert made["status"] == "booked"
    phone.get_by_label("Kotona").focus()
    phone.keyboard.press("ArrowDown")  # by keyboard, as a radio group is used
    settled(phone)
    expect(phone.get_by_label("Kallion toimipiste, Toinen linja 4, Helsinki")).to_be_checked()
    assert f"place={office_id}" in phone.url
    assert phone.evaluate("document.activeElement.value") == office_id  # focus stayed
    starts = phone.locator("ul.slots button").evaluate_all("bs => bs.map(b => b.value)")
    assert starts and first_start not in starts  # the office's times, not the home's
    check_state(phone, "22-place-changed")
    phone.locator("ul.slots button").first.click()
    expect(phone.get_by_role("heading", name="Vahvista varaus")).to_be_visible()
    expect(phone.locator("dl.summary")).to_contain_text("Kallion toimipiste")
    check_state(phone, "23-confirm-office")


def test_without_javascript_show_times_changes_the_place(page_stack, no_js_phone, browser):
    no_js_phone.goto(page_stack.family())
    no_js_phone.get_by_label("Kallion toimipiste, Toinen linja 4, Helsinki").check()
    no_js_phone.get_by_role("button", name="Näytä ajat").click()
    assert "place=o-" in no_js_phone.url
    check_state(no_js_phone, "24-place-without-js", browser)
    no_js_phone.locator("ul.slots button").first.click()
    expect(no_js_phone.locator("dl.summary")).to_contain_text("Kallion toimipiste")


def test_a_family_moves_a_meeting_to_another_time_on_the_same_day(page_stack, phone):
    phone.goto(page_stack.family())
    phone.locator("ul.slots button").first.click()
    phone.get_by_role("button", name="Vahvista varaus").click()
    expect(phone.get_by_role("heading", name="Tapaaminen on varattu")).to_be_visible()
    booked = phone.locator("p.when").inner_text()
    phone.get_by_role("link", name="Takaisin omiin tapaamisiin").click()
    phone.get_by_role("link", name="Siirrä").click()
    expect(phone.get_by_role("heading", name="Siirrä tapaaminen", exact=True)).to_be_visible()
    chosen = phone.locator("ul.days button[aria-current=date]")
    day = chosen.get_attribute("value")
    check_state(phone, "25-move-same-day")
    later = phone.locator("ul.slots button").nth(3)
    assert later.get_attribute("value").startswith(day)
    later.click()
    expect(phone.locator("dl.summary")).to_contain_text(booked)
    check_state(phone, "26-move-confirm")
    phone.get_by_role("button", name="Vahvista siirto").click()
    expect(phone.get_by_role("heading", name="Tapaaminen on siirretty")).to_be_visible()
    moved = phone.locator("p.when").inner_text()
    assert moved != booked and moved.split(" klo ")[0] == booked.split(" klo ")[0]
    phone.get_by_role("link", name="Takaisin omiin tapaamisiin").click()
    assert phone.locator("li.appointment p.when").all_inner_texts() == [moved]


def test_by_keyboard_a_family_reaches_help_then_books_a_time(page_stack, phone):
    url = page_stack.family(language="sv")
    phone.goto(url)
    for presses in range(1, 8):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent") == "Vi behöver hjälp nu":
            break
    assert presses <= 6, "the help button is more than six tabs away"
    for _ in range(30):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "start":
            break
    assert phone.evaluate("document.activeElement.closest('ul.slots') !== null")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Bekräfta bokningen")).to_be_visible()
    for _ in range(15):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.type") == "submit":
            break
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Mötet är bokat")).to_be_visible()
    check_state(phone, "27-booked-by-keyboard-sv")
