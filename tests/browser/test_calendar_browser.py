"""Issue 18 end to end in Debian's Chromium, against the real local stack and its OpenID
provider: the family books on its page; its worker (demo account ``w-mikko``, used by no
other browser test) signs in, sees the meeting in this week's calendar, adds an absence
by keyboard and the family's page offers fewer times that day, books a staff meeting from
the calendar, records a past meeting held on the case page and sees the plan review that
the counted meetings bring. A coordinator then reads the team grid and asks who is free.
Every view is checked with axe and photographed in Finnish, Swedish and English.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import local
from tests.browser.test_console_browser import desk, photograph, sign_in  # noqa: F401 - desk
from tests.browser.test_outcomes_browser import assessment_with_meetings

pytestmark = pytest.mark.browser
WORKER = "w-mikko"


def assessment(stack) -> tuple[str, str, str]:
    """A service-need assessment of ``WORKER`` and a fresh partner with three meetings held
    and a fourth recorded as a no-show (recorded afterwards by staff). Returns the case,
    the partner and the family's booking page URL."""
    case_id, _ = assessment_with_meetings(stack, WORKER)
    status, case = stack.call("GET", f"/cases/{case_id}")
    assert status == 200, case
    status, link = stack.call("POST", f"/cases/{case_id}/booking-links", {})
    assert status == 201, link
    return case_id, next(w for w in case["workers"] if w != WORKER), link["url"]


def free_days(stack, url: str) -> dict[date, list[str]]:
    """The family's free starts by local day over the next 14 days (its page's own JSON)."""
    token_path = url.split("://", 1)[1].split("/", 1)[1]
    today = local(datetime.now(UTC)).date()
    status, found = stack.call("GET", f"/{token_path}/slots?from={today}&days=14")
    assert status == 200, found
    days: dict[date, list[str]] = {}
    for slot in found["slots"]:
        days.setdefault(date.fromisoformat(slot["start"][:10]), []).append(slot["start"])
    return days


def page_times(phone, url: str, day: date) -> list[str]:
    """The times the family's page lists for ``day``."""
    monday = day - timedelta(days=day.weekday())
    phone.goto(f"{url}?week={monday}&day={day}")
    return phone.locator("ul.slots button").all_inner_texts()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_a_worker_plans_the_week_from_the_calendar(page_stack, desk, phone, browser):
    base = page_stack.base_url
    case_id, partner, url = assessment(page_stack)
    days = free_days(page_stack, url)
    booked_day = min(days)
    # The family books its first free time on its own page.
    first = page_times(phone, url, booked_day)[0]
    phone.locator("ul.slots button").first.click()
    phone.get_by_role("button", name="Vahvista varaus").click()
    expect(phone.get_by_role("heading", name="Tapaaminen on varattu")).to_be_visible()

    # The worker's week shows it (this week, or the next when this one has no time left).
    sign_in(desk, base, WORKER, "/staff/week")
    week = iso_week(booked_day)
    if week != iso_week(local(datetime.now(UTC)).date()):
        desk.get_by_role("link", name="Seuraava viikko →").click()
    expect(desk.get_by_role("heading", name=f"Viikko: {week}", exact=False)).to_be_visible()
    day_label = f"{booked_day.day}.{booked_day.month}."
    row = desk.locator("table.week tbody tr").filter(has=desk.get_by_role(
        "rowheader", name=re.compile(re.escape(day_label))))
    expect(row.locator("td").first).to_contain_text(f"{first}–")
    expect(row.locator("td").first).to_contain_text(case_id)
    photograph(desk, "calendar-week-fi")

    # An absence on another free day, sent with the keyboard: that day's times shrink.
    other = next(d for d in sorted(days) if d != booked_day and iso_week(d) == week
                 and any(s[11:13] < "12" for s in days[d])) if any(
        d != booked_day and iso_week(d) == week for d in days) else None
    if other is None:
        pytest.skip("no second free day this week to mark absent (a weekend run)")
    before = page_times(phone, url, other)
    section = desk.locator("section[aria-labelledby=absence-title]")
    section.get_by_label("Alkaa").fill(f"{other}T07:00")
    section.get_by_label("Päättyy").fill(f"{other}T12:00")
    section.get_by_label("Syy").select_option("training")
    section.get_by_label("Syy").focus()
    desk.keyboard.press("Tab")
    expect(section.get_by_role("button", name="Tallenna poissaolo")).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("status")).to_have_text("Poissaolo tallennettu.")
    other_row = desk.locator("table.week tbody tr").filter(has=desk.get_by_role(
        "rowheader", name=re.compile(re.escape(f"{other.day}.{other.month}."))))
    expect(other_row.locator("td").first).to_contain_text("Poissa (koulutus): 7.00–12.00")
    after = page_times(phone, url, other)
    assert len(after) < len(before) and all(t >= "12" for t in after if len(t) == 5), after

    # A staff meeting booked from the calendar (a network meeting, 60 minutes, at home).
    book = desk.locator("section[aria-labelledby=book-title]")
    book.get_by_label("Alkamisaika").fill(f"{other}T16:00")
    book.get_by_label("Kesto (min)").fill("60")
    book.get_by_label("Tapaamisen laji").select_option("network")
    book.get_by_role("button", name="Varaa").click()
    expect(desk.get_by_role("status")).to_have_text(re.compile("^Tapaaminen varattu."))
    expect(other_row.locator("td").first).to_contain_text("16.00–17.00 · Verkostotapaaminen")
    photograph(desk, "calendar-week-booked-fi")
    for language, heading in (("sv", "Vecka"), ("en", "Week")):
        desk.goto(f"{base}/staff/week?week={week}&lang={language}")
        expect(desk.get_by_role("heading", name=re.compile(f"^{heading}: {week}"))).to_be_visible()
        photograph(desk, f"calendar-week-{language}")
    desk.goto(f"{base}/staff/week?week={week}&lang=fi")
    desk.get_by_role("link", name=re.compile("^Siirrä tai peru 16.00")).click()
    expect(desk.get_by_role("heading", name="Tapaaminen")).to_be_visible()
    photograph(desk, "calendar-appointment-fi")

    # The no-show recorded held on the case page: four held meetings bring the plan.
    desk.goto(f"{base}/staff/cases/{case_id}")
    reviews = desk.locator("section[aria-labelledby=reviews-title]")
    expect(reviews.get_by_role("cell", name="Suunnitelma", exact=True)).to_have_count(0)
    past = desk.locator("section[aria-labelledby=past-title]")
    past.locator("tbody tr").first.get_by_role("button", name=re.compile(r"^Pidetty: ")).click()
    expect(reviews.get_by_role("cell", name="Suunnitelma", exact=True)).to_be_visible()
    photograph(desk, "calendar-case-held-fi")


def test_a_coordinator_reads_the_team_grid_and_finds_who_is_free(page_stack, browser):
    base = page_stack.base_url
    case_id, partner, _ = assessment(page_stack)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI")
    desk = context.new_page()
    sign_in(desk, base, "coordinator", "/staff/team")
    expect(desk.get_by_role("heading", name=re.compile("^Tiimin kalenteri"))).to_be_visible()
    expect(desk.get_by_role("rowheader", name=re.compile(r"^Mikko")).first).to_be_visible()
    photograph(desk, "calendar-team-fi")
    desk.get_by_label("Työntekijä", exact=True).select_option(WORKER)
    desk.get_by_label("Työpari").select_option(partner)
    desk.get_by_label("Kesto (min)").fill("90")
    desk.get_by_label("Paikka").select_option("home")
    desk.get_by_role("button", name="Etsi vapaat ajat").click()
    expect(desk.locator("ol.free li").first).to_be_visible()
    photograph(desk, "calendar-team-free-fi")
    for language in ("sv", "en"):
        desk.goto(f"{base}/staff/team?lang={language}")
        photograph(desk, f"calendar-team-{language}")
    context.close()
