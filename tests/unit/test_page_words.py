"""The booking page's catalogues, language choice and Babel date formats."""

import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.directory import LANGUAGES
from chalicelib.domain.workdays import HELSINKI
from chalicelib.web.i18n import Words, accepted_language, catalogue, choose_language
from chalicelib.web.render import WEB_DIR

TUESDAY_NINE = datetime(2026, 12, 1, 9, 0, tzinfo=HELSINKI)


def test_every_catalogue_has_the_same_keys_and_no_empty_text():
    keys = {language: set(catalogue(language)) for language in LANGUAGES}
    assert keys["fi"] == keys["sv"] == keys["en"]
    assert all(text.strip() for language in LANGUAGES for text in catalogue(language).values())


def test_every_placeholder_appears_in_all_three_languages():
    def names(text):
        return set(re.findall(r"{(\w+)}", text))

    for key, text in catalogue("fi").items():
        assert names(catalogue("sv")[key]) == names(text) == names(catalogue("en")[key]), key


def test_every_key_a_template_uses_exists_in_the_catalogues():
    used = set()
    for template in (WEB_DIR / "templates").rglob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'", template.read_text()))
    # ``t('staff.service.' + s)``: a prefix that some keys must start with
    prefixes = {key for key in used if key.endswith(".")}
    assert used and used - prefixes <= set(catalogue("fi"))
    assert all(any(key.startswith(prefix) for key in catalogue("fi")) for prefix in prefixes)


@pytest.mark.parametrize("language, expected", [
    ("fi", "ti 1.12. klo 9.00–10.30"),
    ("sv", "tis 1.12. kl. 9.00–10.30"),
    ("en", "Tue 1 Dec at 9:00–10:30"),
])
def test_a_meeting_span_reads_naturally_in_each_language(language, expected):
    end = datetime(2026, 12, 1, 8, 30, tzinfo=HELSINKI).replace(hour=10)
    assert Words(language).span(TUESDAY_NINE, end) == expected


def test_instants_are_shown_in_helsinki_time_whatever_their_offset():
    from datetime import UTC

    assert Words("fi").datetime(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)) == "ke 1.7. klo 9.00"


def test_a_day_heading_names_the_weekday_in_full():
    assert Words("fi").day(date(2026, 12, 1)) == "tiistai 1.12."
    assert Words("sv").day(date(2026, 12, 1)) == "tisdag 1.12."


def test_the_asked_language_wins_then_the_remembered_one_then_the_contact_language():
    assert choose_language("en", "sv", "fi") == "en"
    assert choose_language(None, "sv", "fi") == "sv"
    assert choose_language("de", "xx", "sv") == "sv"
    assert choose_language(None, None, None) == "fi"


@pytest.mark.parametrize("header, expected", [
    ("sv-FI", "sv"), ("SV", "sv"), ("en-GB", "en"), ("en", "en"), ("fi-FI", "fi"),
    ("fi;q=0.5, en-GB;q=0.8", "en"),
    ("en;q=0.5, sv;q=0.5", "en"),  # equal weights keep the header's order
    ("sv;q=0.5, en;q=0.5", "sv"),
    ("de-DE, fr;q=0.9, sv;q=0.1", "sv"),
    ("en;q=0, fi;q=0.001", "fi"),
    ("en;q=2, sv;q=0.7", "sv"),  # a weight above 1 is malformed: that range is dropped
    ("de-DE, fr", None), ("*", None), ("", None), (None, None), (";;,,;q=", None),
])
def test_the_browsers_most_wanted_supported_language_is_accepted(header, expected):
    assert accepted_language(header) == expected


@given(st.text(max_size=200))
def test_any_accept_language_header_gives_a_supported_language_or_none(header):
    assert accepted_language(header) in (*LANGUAGES, None)
