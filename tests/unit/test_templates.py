"""Message texts: three languages, Helsinki time, one SMS segment, nothing private, and a
text that cannot be sent without the params it names."""

from datetime import datetime, timedelta
from itertools import product

import pytest

from chalicelib.domain.workdays import HELSINKI
from chalicelib.local.demo import OFFICES
from chalicelib.notify.sms import is_gsm7, sms_segments, sms_units
from chalicelib.notify.templates import MissingParams, check_params, render, required_params
from chalicelib.notify.texts import FAMILY_KINDS, PLACES, REVIEWS, SERVICES, TEXTS
from chalicelib.services.directory import new_case_id
from chalicelib.services.links import booking_url, new_token

START = "2026-12-01T07:00:00+00:00"  # Tuesday 1.12. 09:00 in Helsinki
LINK = "https://t.example/book/x"
# The deploy guide's PublicUrl and a token as issue_link makes it (case code + 144 bits).
REAL_LINK = booking_url("https://tapaamo.example.fi", new_token(new_case_id()))
# Every weekday at 19.30 in a month with the longest English abbreviation (Sept) and in a
# two-digit December: the longest way each language writes a meeting time.
STARTS = [datetime(month_day[0], month_day[1], month_day[2], 19, 30, tzinfo=HELSINKI)
          + timedelta(days=d) for month_day in ((2026, 9, 21), (2026, 12, 21)) for d in range(7)]
OFFICE_NAMES = {office.id: office.name for office in OFFICES}


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "Muistutus: tapaaminen ti 1.12. klo 9.00, kotona. Muuta tai peru: " + LINK),
    ("sv", "Påminnelse: möte tis 1.12. kl. 9.00, hemma. Ändra eller avboka: " + LINK),
    ("en", "Reminder: meeting Tue 1 Dec at 09:00, at home. Change or cancel: " + LINK),
])
def test_a_reminder_names_the_helsinki_time_the_place_and_the_link_in_the_familys_language(
        language, expected):
    message = render("reminder", language, {"start": START, "location": "home", "link": LINK})
    assert message.body == expected


def test_an_office_is_named_and_the_subject_says_what_happened():
    message = render("confirmation", "fi",
                     {"start": START, "location": "itakeskus", "link": LINK},
                     office_names={"itakeskus": "Itäkeskus"})
    assert message.body == ("Tapaaminen varattu: ti 1.12. klo 9.00, Itäkeskus. "
                            "Muuta tai peru: " + LINK)
    assert message.subject == "Tapaaminen varattu"


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "Uusi aika: ke 2.12. klo 13.00, kotona (oli ti 1.12. klo 9.00). Muuta: " + LINK),
    ("sv", "Ny tid: ons 2.12. kl. 13.00, hemma (var tis 1.12. kl. 9.00). Ändra: " + LINK),
    ("en", "New time: Wed 2 Dec at 13:00, at home (was Tue 1 Dec at 09:00). Change: " + LINK),
])
def test_a_move_names_the_new_time_and_the_old_one_in_one_message(language, expected):
    message = render("rescheduled", language, {"start": "2026-12-02T11:00:00+00:00",
                                                "old_start": START, "location": "home",
                                                "link": LINK})
    assert message.body == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "Perhetyö: varaa tapaamisaika, linkki on voimassa 31.12.2026 asti: " + LINK),
    ("sv", "Familjearbete: boka en mötestid, länken gäller till 31.12.2026: " + LINK),
    ("en", "Family work: book a meeting time, the link works until 31 Dec 2026: " + LINK),
])
def test_a_booking_link_names_the_service_and_its_last_day_in_the_familys_language(
        language, expected):
    # 23:30 UTC on the 30th is already the 31st in Helsinki: the family's day is named.
    message = render("booking-link", language, {"service": "perhetyo", "link": LINK,
                                                 "expires_at": "2026-12-30T23:30:00+00:00"})
    assert message.body == expected


@pytest.mark.parametrize(("kind", "language", "subject", "body"), [
    ("review-due", "fi", "Määräpäivä lähestyy: asiakassuunnitelman tarkistus",
     "Asiakkuus k7f3a: asiakassuunnitelman tarkistus, määräpäivä 16.11.2026."),
    ("review-due", "sv", "Förfaller snart: översyn av klientplanen",
     "Klient k7f3a: översyn av klientplanen, förfaller 16.11.2026."),
    ("review-overdue", "en", "Overdue: client plan review",
     "Case k7f3a: client plan review is overdue (due 16 Nov 2026)."),
    ("review-overdue", "fi", "Myöhässä: verkostotapaaminen",
     "Asiakkuus k7f3a: verkostotapaaminen on myöhässä (määräpäivä 16.11.2026)."),
])
def test_review_notices_name_the_review_kind_in_the_recipients_language(
        kind, language, subject, body):
    review = "network-meeting" if "verkosto" in body else "client-plan-review"
    message = render(kind, language, {"code": "k7f3a", "review": review, "due": "2026-11-16"})
    assert (message.subject, message.body) == (subject, body)


def test_every_review_kind_and_service_has_a_name_in_every_language():
    for names in (*REVIEWS.values(), *SERVICES.values(), *PLACES.values()):
        assert sorted(names) == ["en", "fi", "sv"]


def test_an_unknown_language_falls_back_to_finnish():
    body = render("cancellation", "de", {"start": START, "location": "home", "link": LINK}).body
    assert body.startswith("Tapaaminen ti 1.12. klo 9.00")


def test_the_fallback_always_names_112_and_the_crisis_number():
    for language in ("fi", "sv", "en"):
        body = render("escalation-fallback", language, {"crisis_phone": "09 123"}).body
        assert "112" in body and "09 123" in body


@pytest.mark.parametrize("kind", FAMILY_KINDS)
def test_a_family_message_cannot_be_made_without_its_link(kind):
    """The bug this guards: services passed ``manage_url`` while the texts read ``link``."""
    params = {"start": START, "old_start": START, "location": "home", "service": "perhetyo",
              "expires_at": START, "manage_url": LINK}
    assert "link" in required_params(kind)
    with pytest.raises(MissingParams, match="link"):
        check_params(kind, params)
    with pytest.raises(MissingParams, match="link"):
        render(kind, "fi", params)


def test_every_language_of_a_kind_names_the_same_params():
    for kind, languages in TEXTS.items():
        named = {language: {name for name in required_params(kind) if any(
            "{" + name + "}" in text for text in texts)} for language, texts in languages.items()}
        assert named["fi"] == named["sv"] == named["en"], kind


@pytest.mark.parametrize("kind", FAMILY_KINDS)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_longest_family_text_fits_one_sms_segment_with_a_real_link(kind, language):
    instants = [s.isoformat() for s in STARTS]
    choices = {"start": instants, "old_start": instants, "expires_at": instants,
               "location": [*PLACES, *OFFICE_NAMES], "service": list(SERVICES),
               "link": [REAL_LINK]}
    names = sorted(required_params(kind))
    texts = [render(kind, language, dict(zip(names, values)), OFFICE_NAMES).body
             for values in product(*(choices[name] for name in names))]
    longest = max(texts, key=sms_units)
    assert REAL_LINK in longest
    assert is_gsm7(longest), longest
    assert sms_segments(longest) == 1, (sms_units(longest), longest)


@pytest.mark.parametrize("kind", sorted(set(TEXTS) - set(FAMILY_KINDS)))
def test_staff_texts_fit_one_gsm7_segment_too(kind):
    params = {"start": START, "end": START, "location": "placement", "link": REAL_LINK,
              "code": "k7f3a9b2", "crisis_phone": "+358 9 310 44222",
              "review": "assessment-complete", "due": "2026-12-01", "level": "secondary",
              # escalations: a case code as the API makes them, the longest E.164 number
              "case": new_case_id(), "callback": "+358401234567890",
              # the outcome digest: its most codes (domain.outcome_digest.CODES_SHOWN)
              "count": "120", "codes": ", ".join(new_case_id() for _ in range(3)) + " +99"}
    for language in ("fi", "sv", "en"):
        body = render(kind, language, params).body
        assert is_gsm7(body) and sms_segments(body) == 1, (len(body), body)


def test_segment_counting_follows_gsm7_and_ucs2_limits():
    assert sms_segments("ä" * 160) == 1  # ä is in the GSM-7 basic table
    assert sms_segments("a" * 161) == 2 and sms_segments("a" * 306) == 2  # 153 per part
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # extension: 2 each
    assert sms_segments("–" * 70) == 1 and sms_segments("–" * 71) == 2  # forces UCS-2
    assert sms_segments("–" * 134) == 2 and sms_segments("–" * 135) == 3  # 67 per part


def test_family_texts_carry_no_case_details():
    body = render("reminder", "fi", {"start": START, "location": "home", "link": LINK,
                                     "name": "Maija Meikäläinen"}).body
    assert "Maija" not in body
