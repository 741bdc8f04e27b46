"""The staff console in Debian's Chromium against the real local stack and its OpenID provider.

A coordinator signs in through the provider's own form, makes a worker pair and a case with
the console's forms, sends the family its booking link by SMS, and the link in the text the
local phone got opens the family's page. A worker sees only their own cases and gets the
403 page for a coordinator's. Every page is checked with axe and photographed at 1280×800
and 768×1024; the case flow is also walked with the keyboard alone.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_state

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 800}, "tablet": {"width": 768, "height": 1024}}
LINK = re.compile(r"https?://\S+/book/[A-Za-z0-9._-]+")


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=SIZES["desktop"], locale="fi-FI")
    yield context.new_page()
    context.close()


def sign_in(page, base_url: str, login: str, path: str = "/staff/") -> None:
    """Through the provider's own sign-in form, as a person would."""
    page.goto(base_url + path)
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("demo")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base_url) + r"/staff"))


def photograph(page, name: str) -> None:
    """axe and a screenshot at both sizes (the desktop one last, as the test goes on)."""
    for size, viewport in (("tablet", SIZES["tablet"]), ("desktop", SIZES["desktop"])):
        page.set_viewport_size(viewport)
        check_state(page, f"console-{name}-{size}")


def sent_link(local_dir: Path, phone: str, timeout: float = 60) -> str:
    """The booking URL in the last SMS the local phone ``phone`` got."""
    log = local_dir / "notifications.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        texts = [json.loads(line) for line in lines]
        mine = [t for t in texts if t["channel"] == "sms" and t["to"] == phone
                and LINK.search(t["body"])]
        if mine:
            return LINK.search(mine[-1]["body"]).group(0)
        time.sleep(0.5)
    raise AssertionError(f"no SMS with a booking link reached {phone}")


def make_worker(page, worker_id: str, name: str) -> None:
    page.get_by_role("link", name="Työntekijät").click()
    page.get_by_role("link", name="Uusi työntekijä").click()
    page.get_by_label("Tunnus").fill(worker_id)
    page.get_by_label("Nimi").fill(name)
    page.get_by_label("Sähköposti").fill(f"{worker_id}@example.org")
    page.get_by_label("Toimipiste").select_option("kallio")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("link", name=worker_id)).to_be_visible()


def test_a_coordinator_makes_a_pair_and_a_case_and_the_family_gets_its_link(
        page_stack, desk, browser):
    base = page_stack.base_url
    suffix = uuid.uuid4().hex[:6]
    pair = [f"w-{suffix}-1", f"w-{suffix}-2"]
    phone = f"+35840{int(suffix, 16) % 10_000_000:07d}"
    sign_in(desk, base, "coordinator")
    expect(desk.get_by_role("heading", name="Etusivu")).to_be_visible()
    photograph(desk, "home")
    make_worker(desk, pair[0], "Testi Ohjaaja")
    photograph(desk, "workers")
    desk.get_by_role("link", name=pair[0]).click()
    expect(desk.get_by_role("heading", name="Muokkaa työntekijää")).to_be_visible()
    photograph(desk, "worker-form")
    make_worker(desk, pair[1], "Toinen Ohjaaja")

    desk.get_by_role("link", name="Asiakkuudet").click()
    desk.get_by_role("link", name="Uusi asiakkuus").click()
    desk.get_by_label("Työntekijä", exact=True).fill(pair[0])
    desk.get_by_label("Työparin toinen työntekijä").fill(pair[1])
    desk.get_by_label("Alkupäivä").fill((date.today() + timedelta(days=1)).isoformat())
    desk.get_by_role("checkbox", name="Kallio", exact=True).check()
    desk.get_by_label("Puhelin").fill("12")  # not a phone number: the API says so
    desk.get_by_role("button", name="Tallenna").click()
    expect(desk.locator("#e-phone")).to_contain_text("phone")
    assert desk.get_by_label("Puhelin").get_attribute("aria-invalid") == "true"
    photograph(desk, "case-form-error")
    desk.get_by_label("Puhelin").fill(phone)
    desk.get_by_role("button", name="Tallenna").click()
    expect(desk.get_by_role("status")).to_have_text("Tallennettu.")
    case_url = desk.url.split("?")[0]
    photograph(desk, "case")

    desk.get_by_label("Tekstiviestinä").check()
    desk.get_by_role("button", name="Luo uusi varauslinkki").click()
    expect(desk.get_by_role("status")).to_have_text("Varauslinkki lähetettiin tekstiviestinä.")
    url = sent_link(page_stack.local_dir, phone)
    family = browser.new_context(viewport={"width": 360, "height": 780})
    phone_page = family.new_page()
    phone_page.goto(url)
    expect(phone_page.get_by_role("heading", name="Vapaat ajat")).to_be_visible()
    family.close()

    desk.goto(case_url + "/audit")
    expect(desk.get_by_role("cell", name="console.case.read").first).to_be_visible()
    photograph(desk, "audit")
    desk.get_by_role("link", name="Toimipisteet").click()
    photograph(desk, "offices")
    desk.get_by_role("link", name="kallio").click()
    photograph(desk, "office-form")
    desk.goto(f"{base}/staff/cases?service=tehostettu-perhetyo")
    expect(desk.get_by_role("link", name=case_url.rsplit("/", 1)[1])).to_be_visible()
    photograph(desk, "cases")


def test_a_worker_sees_only_their_cases_and_no_coordinator_page(page_stack, desk):
    base = page_stack.base_url
    sign_in(desk, base, "w-aino", "/staff/cases")
    rows = desk.locator("table.cases tbody tr")
    expect(rows.first).to_be_visible()
    listed = rows.locator("td:first-child").all_inner_texts()
    assert "kdemo001" in listed and "kdemo002" not in listed and "kdemo003" not in listed
    photograph(desk, "worker-cases")
    desk.goto(f"{base}/staff/workers")
    expect(desk.get_by_role("heading", name="Ei käyttöoikeutta")).to_be_visible()
    photograph(desk, "forbidden")
    desk.goto(f"{base}/staff/cases/kdemo002")
    expect(desk.get_by_role("heading", name="Sivua ei löydy")).to_be_visible()
    photograph(desk, "not-found")
    desk.goto(f"{base}/staff/logout?lang=sv")
    expect(desk.get_by_role("heading", name="Logga ut")).to_be_visible()
    photograph(desk, "logout-sv")
    desk.goto(f"{base}/staff/callback?code=made-up&state=made-up")
    expect(desk.get_by_role("heading", name="Inloggningen misslyckades")).to_be_visible()
    photograph(desk, "signin-failed")


def test_the_case_flow_works_with_the_keyboard_alone(page_stack, desk):
    base = page_stack.base_url
    sign_in(desk, base, "coordinator", "/staff/cases")

    def tab_to(name: str, limit: int = 80) -> None:
        for _ in range(limit):
            desk.keyboard.press("Tab")
            focused = desk.evaluate("document.activeElement.innerText || "
                                    "document.activeElement.value || ''")
            if focused.strip() == name:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    tab_to("kdemo001")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Asiakkuus kdemo001")).to_be_visible()
    tab_to("Luo uusi varauslinkki")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Varauslinkki luotu")).to_be_visible()
    photograph(desk, "link-issued")
    tab_to("Takaisin asiakkuuteen")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Asiakkuus kdemo001")).to_be_visible()
    tab_to("Kirjaudu ulos")
    desk.keyboard.press("Enter")
    # The provider asks too (RP-initiated logout); its "yes" has the focus.
    expect(desk.get_by_role("button", name="Yes, sign me out")).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Olet kirjautunut ulos")).to_be_visible()
    photograph(desk, "signed-out")
    desk.goto(f"{base}/staff/cases")
    expect(desk.locator("input[name=login]")).to_be_visible()  # signed out at the provider too
