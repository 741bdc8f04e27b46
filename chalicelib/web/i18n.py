"""The booking page's words: message catalogues (fi, sv, en), language choice, Babel dates.

Catalogues are flat JSON files in ``messages/`` (one per language, the same keys in
each; a test keeps them complete). Date and time patterns live in the catalogues too
(``format.*``), so a translator fixes "ti 1.12. klo 9.00" in the same place as the words.
Babel is imported only when a date is formatted or a browser's languages are matched
(Lambda cold start).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from chalicelib.domain.directory import LANGUAGES
from chalicelib.domain.workdays import local

MESSAGES_DIR = Path(__file__).parent / "messages"
DEFAULT_LANGUAGE = "fi"
# RFC 9110 §12.4.2: a weight is 0 to 1 with at most three decimals ("q=0" means "not this").
QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """The messages of ``language`` (one of ``LANGUAGES``), keyed by dotted names.

    The staff console's words (``staff.*``) are in ``messages/staff/`` beside the family's.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}")
    return {key: text for folder in (MESSAGES_DIR, MESSAGES_DIR / "staff")
            for key, text in json.loads((folder / f"{language}.json")
                                        .read_text(encoding="utf-8")).items()}


def choose_language(asked: str | None, remembered: str | None, contact: str | None) -> str:
    """The first supported of: ``?lang=``, the remembered cookie, the case's contact language.

    >>> choose_language(None, "sv", "fi"), choose_language("en", "sv", "fi")
    ('sv', 'en')
    """
    for candidate in (asked, remembered, contact):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> str | None:
    """The supported language a browser's ``Accept-Language`` prefers most (RFC 9110 §12.5.4).

    Ranges are tried by falling q-value (equal weights keep the header's order); Babel
    matches each against ``LANGUAGES``, so ``sv-FI`` and ``en-GB`` find ``sv`` and ``en``.
    ``None`` when nothing matches (the caller falls back to Finnish).

    >>> accepted_language("de-DE, en-GB;q=0.8, sv;q=0.9"), accepted_language("de")
    ('sv', None)
    """
    from babel.core import negotiate_locale

    found = negotiate_locale(_ranked_ranges(header or ""), LANGUAGES, sep="-", aliases=None)
    return found.lower() if found else None


def _ranked_ranges(header: str) -> list[str]:
    """The header's language ranges, most wanted first, without those weighted 0 or malformed."""
    weighted = []
    for position, item in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        weight = _weight(parameters)
        if tag and weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def _weight(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            return float(value) if QVALUE.fullmatch(value.strip()) else 0.0
    return 1.0


@dataclass(frozen=True)
class Words:
    """Texts and date formats of one language, handed to the templates as ``t``."""

    language: str

    def __call__(self, key: str, **values) -> str:
        text = catalogue(self.language)[key]
        return text.format(**values) if values else text

    def datetime(self, instant: datetime) -> str:
        """``ti 1.12. klo 9.00`` (fi) — the Helsinki wall-clock time of ``instant``."""
        return self._babel(local(instant), "format.datetime")

    def time(self, instant: datetime) -> str:
        return self._babel(local(instant), "format.time")

    def span(self, start: datetime, end: datetime) -> str:
        """``ti 1.12. klo 9.00–10.30``: a meeting within one day."""
        return f"{self.datetime(start)}–{self.time(end)}"

    def day(self, day: date) -> str:
        """``tiistai 1.12.`` — a day heading."""
        return self._babel(day, "format.day")

    def short_date(self, day: date) -> str:
        return self._babel(day, "format.short_date")

    def weekday(self, day: date) -> str:
        """``ti`` — a day's short name, for the day strip."""
        return self._babel(day, "format.weekday")

    def _babel(self, value, key: str) -> str:
        from babel.dates import format_date, format_datetime

        pattern = self(key)
        if isinstance(value, datetime):
            return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=self.language)
        return format_date(value, pattern, locale=self.language)
