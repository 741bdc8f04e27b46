"""The on-call worker's side on the real local stack: the page SMS from the sink, its
link opened on a phone, read and acknowledged by keyboard, axe-clean in each state."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import check_state, sms_matching

LINK = re.compile(r"https?://\S+/ack/\S+")


def page_sms_to(stack, phone: str, timeout: float = 60.0) -> str:
    """The page SMS the local pump delivered to ``phone`` (read from the sink)."""
    return sms_matching(stack, phone, LINK, timeout)


def test_the_on_call_worker_reads_the_request_and_acknowledges_by_keyboard(page_stack, phone):
    number = f"+35840{uuid.uuid4().int % 10**7:07d}"  # a valid Finnish mobile number
    worker = f"w-oncall-{uuid.uuid4().hex[:6]}"
    assert page_stack.call("PUT", f"/workers/{worker}", {
        "name": "Päivystäjä", "email": f"{worker}@example.org", "phone": number})[0] == 201
    now = datetime.now(UTC)
    assert page_stack.call("POST", "/oncall/overrides", {
        "worker": worker, "level": "primary", "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=1)).isoformat()})[0] == 201
    booking = page_stack.family()
    phone.goto(booking)
    phone.get_by_label("Mitä on tapahtunut? (vapaaehtoinen)").fill("Isä ei ole tullut kotiin")
    phone.get_by_label("Numero, johon soitetaan (vapaaehtoinen)").fill("040 765 4321")
    phone.get_by_role("button", name="Pyydä apua nyt").click()
    sms = page_sms_to(page_stack, number)
    assert "Isä" not in sms and "Soita +358407654321." in sms
    phone.goto(LINK.search(sms).group(0) + "?lang=fi")  # Chromium asks for English
    expect(phone.get_by_text("Isä ei ole tullut kotiin")).to_be_visible()
    expect(phone.get_by_role("link", name="+358407654321")).to_be_visible()
    check_state(phone, "20-ack-page")
    button = phone.get_by_role("button", name="Kuittaan – soitan perheelle")
    for _ in range(30):  # by keyboard: Tab until the button has focus, then Enter
        if button.evaluate("b => b === document.activeElement"):
            break
        phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name=re.compile("^Kuitattu"))).to_be_visible()
    check_state(phone, "21-ack-done")
    phone.reload()  # the form posts again: a used link
    expect(phone.get_by_role("heading", name="Kuittauslinkki ei ole enää voimassa")).to_be_visible()
