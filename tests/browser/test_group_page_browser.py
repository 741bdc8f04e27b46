"""Peer-support groups on the family page, in Chromium at 360 px against the local stack:
a Finnish family takes the last seat, a Swedish one joins the waiting list by keyboard and
is moved in when the seat is given up; in a drop-in group each takes a seat for one
session; axe finds nothing serious on any of it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.workdays import at_local, is_working_day, local
from tests.browser.conftest import check_state

pytestmark = pytest.mark.browser


def a_tuesday_ahead() -> datetime:
    """17.00 on a working Tuesday at least a week ahead."""
    day = local(datetime.now(UTC)).date() + timedelta(days=7)
    while day.weekday() != 1 or not is_working_day(day):
        day += timedelta(days=1)
    return at_local(day, 17)


def group_for(page_stack, urls: list[str], seats: int, **extra) -> dict:
    """A group by invitation (so other tests' groups stay off these pages)."""
    suffix = uuid.uuid4().hex[:6]
    office = f"o-{suffix}"
    assert page_stack.call("PUT", f"/offices/{office}", {
        "name": "Kallion toimipiste", "address": "Toinen linja 4, Helsinki", "rooms": 1})[0] == 200
    leaders = [f"w-{suffix}-l{n}" for n in (1, 2)]
    for leader in leaders:
        assert page_stack.call("PUT", f"/workers/{leader}", {"name": "Leader"})[0] == 201
    cases = [url.rsplit("/book/", 1)[1].partition(".")[0] for url in urls]
    status, group = page_stack.call("POST", "/groups", {
        "service": "tehostettu-perhetyo", "office": office, "workers": leaders,
        "start": a_tuesday_ahead().isoformat(), "sessions": 3, "seats": seats, "cases": cases,
        **extra})
    assert status == 201, group
    return group


def fits(phone) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_families_take_a_seat_and_wait_for_one_in_finnish_and_swedish(page_stack, phone):
    finnish, swedish = page_stack.family("fi"), page_stack.family("sv")
    group_for(page_stack, [finnish, swedish], seats=1)

    phone.goto(finnish)
    expect(phone.get_by_role("heading", name="Vertaistukiryhmät")).to_be_visible()
    expect(phone.get_by_text("Vapaita paikkoja: 1")).to_be_visible()
    check_state(phone, "40-group-fi")
    phone.get_by_role("button", name="Ota paikka").click()
    expect(phone.get_by_text("Paikka ryhmässä on nyt sinun.")).to_be_visible()
    expect(phone.get_by_text("Sinulla on paikka tässä ryhmässä.")).to_be_visible()
    fits(phone)
    check_state(phone, "41-group-seated-fi")

    phone.goto(swedish)
    expect(phone.get_by_role("heading", name="Kamratstödsgrupper")).to_be_visible()
    expect(phone.get_by_text("Gruppen är full. Du kan ställa dig i kö.")).to_be_visible()
    check_state(phone, "42-group-full-sv")
    phone.get_by_role("button", name="Ställ dig i kö").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Du står nu i kö.")).to_be_visible()
    expect(phone.get_by_text("Du står i kö. Du får ett meddelande")).to_be_visible()
    fits(phone)
    check_state(phone, "43-group-waiting-sv")

    phone.goto(finnish)
    phone.get_by_role("button", name="Luovu paikasta").click()
    expect(phone.get_by_text("Et ole enää ryhmässä.")).to_be_visible()
    phone.goto(swedish)
    expect(phone.get_by_text("Du har en plats i den här gruppen.")).to_be_visible()
    check_state(phone, "44-group-seated-sv")


def test_in_a_drop_in_group_each_family_takes_a_seat_for_one_session(page_stack, phone):
    finnish, swedish = page_stack.family("fi"), page_stack.family("sv")
    group = group_for(page_stack, [finnish, swedish], seats=1, per_session=True)
    first, second = (phone.locator(f"#session-{s['id']}") for s in group["sessions"][:2])

    phone.goto(finnish)
    expect(phone.get_by_text("Paikan voi ottaa yhteen kokoontumiseen kerrallaan.")
           ).to_be_visible()
    second.get_by_role("button", name="Ota paikka").click()
    expect(phone.get_by_text("Paikka ryhmässä on nyt sinun.")).to_be_visible()
    expect(second).to_contain_text("Sinulla on paikka tähän kokoontumiseen.")
    expect(first.get_by_role("button", name="Ota paikka")).to_be_visible()
    fits(phone)
    check_state(phone, "45-drop-in-seated-fi")

    phone.goto(swedish)
    expect(second).to_contain_text("Den här träffen är full.")
    expect(second.get_by_role("button")).to_have_count(0)
    first.get_by_role("button", name="Ta en plats").focus()
    phone.keyboard.press("Enter")
    expect(first).to_contain_text("Du har en plats på den här träffen.")
    fits(phone)
    check_state(phone, "46-drop-in-seated-sv")
    first.get_by_role("button", name="Avstå från platsen").click()
    expect(phone.get_by_text("Du är inte längre med i gruppen.")).to_be_visible()
    expect(first.get_by_role("button", name="Ta en plats")).to_be_visible()
