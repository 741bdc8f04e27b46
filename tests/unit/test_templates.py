"""Message texts: three languages, Helsinki time, one SMS segment, nothing private."""

import pytest

from chalicelib.notify.sms import is_gsm7, sms_segments
from chalicelib.notify.templates import TEXTS, render

START = "2026-12-01T07:00:00+00:00"  # Tuesday 1.12. 09:00 in Helsinki
LONG_LINK = "https://tapaamo.hel.fi/book/" + "A" * 43  # a 256-bit token, base64url
EVERY_PARAM = {"start": START, "end": "2026-12-01T09:00:00+00:00", "location": "placement",
               "link": LONG_LINK, "code": "K-7F3A", "crisis_phone": "+358 9 310 44222",
               "support_phone": "+358 9 310 44222", "review": "client-plan-review",
               "due": "2026-12-01", "level": "secondary"}


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "Muistutus: tapaaminen ti 1.12. klo 9.00, kotona."),
    ("sv", "Påminnelse: möte tis 1.12. kl. 9.00, hemma."),
    ("en", "Reminder: meeting Tue 1 Dec at 09:00, at home."),
])
def test_a_reminder_names_the_helsinki_time_and_the_place_in_the_familys_language(
        language, expected):
    assert render("reminder", language, {"start": START, "location": "home"}).body == expected


def test_an_office_is_named_and_the_link_is_appended():
    message = render("confirmation", "fi", {"start": START, "location": "itakeskus",
                                             "link": "https://t.example/book/x"},
                     office_names={"itakeskus": "Itäkeskus"})
    assert message.body == ("Tapaaminen varattu: ti 1.12. klo 9.00, Itäkeskus. "
                            "Muuta tai peru: https://t.example/book/x")
    assert message.subject == "Tapaaminen varattu"


def test_an_unknown_language_falls_back_to_finnish():
    assert render("cancellation", "de", {"start": START, "location": "home"}).body.startswith(
        "Tapaaminen ti 1.12. klo 9.00")


def test_the_fallback_always_names_112_and_the_crisis_number():
    for language in ("fi", "sv", "en"):
        body = render("escalation-fallback", language, {"crisis_phone": "09 123"}).body
        assert "112" in body and "09 123" in body


@pytest.mark.parametrize("kind", sorted(TEXTS))
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_text_fits_one_gsm7_sms_segment_even_with_a_long_link(kind, language):
    body = render(kind, language, EVERY_PARAM).body
    assert is_gsm7(body), body
    assert sms_segments(body) == 1, (len(body), body)


def test_segment_counting_follows_gsm7_and_ucs2_limits():
    assert sms_segments("ä" * 160) == 1  # ä is in the GSM-7 basic table
    assert sms_segments("a" * 161) == 2
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # extension: 2 each
    assert sms_segments("–" * 70) == 1 and sms_segments("–" * 71) == 2  # forces UCS-2


def test_family_texts_carry_no_case_details():
    body = render("reminder", "fi", {"start": START, "location": "home",
                                     "name": "Maija Meikäläinen"}).body
    assert "Maija" not in body
