"""Rendering a notification: its kind's text (``notify.texts``) with its params written out.

The params a kind needs are the fields of its text, nothing else: :func:`required_params`
reads them from the catalogue and :func:`check_params` (called when a message is queued)
refuses a message that lacks one, so a service passing ``manage_url`` to a text that reads
``link`` fails in the first test instead of sending a text without its link.

How params are written (Europe/Helsinki, Babel), e.g. ``start``: fi ``ti 1.12. klo 9.00``,
sv ``tis 1.12. kl. 9.00``, en ``Tue 1 Dec at 09:00``; ``location``: ``kotona`` or the
office's name; ``due``/``expires_at``: a date; ``review``/``service``: the kind's name in the
language; ``case``/``callback`` (escalations): ", asiakkuus k1" / "Soita +358…." or what
says there is none. Every other param is written as given. A ``feedback`` message also has
an HTML part showing its ``link`` as a QR code image (``Message.images``, content id ``qr``).

A message with ``audience`` (e.g. ``escalation-fallback`` with ``audience: staff``) uses
the text ``<kind>:<audience>``. A param in :data:`ADDED_AT_SEND` is checked when the
message is rendered, not when it is queued: the sender adds it (an on-call page's
one-time link, which the outbox must never hold).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from html import escape

from chalicelib.domain.workdays import HELSINKI
from chalicelib.notify.texts import ESCALATION_PARTS, PLACES, QR_ALT, REVIEWS, SERVICES, TEXTS

LANGUAGES = ("fi", "sv", "en")
ADDED_AT_SEND = {"escalation": frozenset({"link"})}
# A family message keeps the reference its link is derived from, never the link
# (``services/message_links.py``); the sender turns it into ``link``.
LINK_REF = "link_ref"

# (Babel locale, date pattern, word before the time, time pattern, date-only pattern)
FORMATS = {
    "fi": ("fi", "EEE d.M.", "klo", "H.mm", "d.M.yyyy"),
    "sv": ("sv_FI", "EEE d.M.", "kl.", "H.mm", "d.M.yyyy"),
    "en": ("en_GB", "EEE d MMM", "at", "HH:mm", "d MMM yyyy"),
}


class MissingParams(ValueError):
    """A message was asked for without a param its text needs (a bug in the sender)."""


@dataclass(frozen=True)
class Message:
    """A rendered message: the e-mail subject and the text (the whole SMS).

    ``html`` and ``images`` (``(content id, PNG bytes)`` pairs the HTML shows as
    ``cid:<id>``) are for e-mail only; an SMS is the text alone.
    """

    subject: str
    body: str
    html: str | None = None
    images: tuple[tuple[str, bytes], ...] = ()


def _instant(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def format_when(instant, language: str) -> str:
    """A meeting time as people write it, e.g. ``ti 1.12. klo 9.00`` (Helsinki time)."""
    from babel.dates import format_datetime  # Babel loads locale data: import when used

    locale, day_pattern, word, time_pattern, _ = FORMATS[language]
    wall = _instant(instant).astimezone(HELSINKI)
    day = format_datetime(wall, day_pattern, locale=locale, tzinfo=HELSINKI)
    clock = format_datetime(wall, time_pattern, locale=locale, tzinfo=HELSINKI)
    return f"{day} {word} {clock}"


def format_day(value, language: str) -> str:
    """A date, e.g. ``1.12.2026`` (fi, sv) or ``1 Dec 2026`` (en); an instant's Helsinki day."""
    from babel.dates import format_date

    locale, *_, pattern = FORMATS[language]
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    day = value.astimezone(HELSINKI).date() if isinstance(value, datetime) else value
    return format_date(day, pattern, locale=locale)


def place_text(location: str, language: str, office_names: dict[str, str]) -> str:
    """Where the meeting is: "kotona"/"hemma"/"at home", or the office's name."""
    if location in PLACES:
        return PLACES[location][language]
    return office_names.get(location, location)


def _named(names: dict[str, dict[str, str]]):
    return lambda value, language, _offices: names.get(value, {}).get(language, value)


def _escalation_part(index: int, name: str):
    def write(value, language, _offices):
        parts = ESCALATION_PARTS[language]
        if value:
            return parts[index].format(**{name: value})
        return parts[2] if name == "callback" else ""

    return write


FORMATTERS = {
    "start": lambda value, language, _offices: format_when(value, language),
    "old_start": lambda value, language, _offices: format_when(value, language),
    "end": lambda value, language, _offices: format_when(value, language),
    "location": place_text,
    "due": lambda value, language, _offices: format_day(value, language),
    "expires_at": lambda value, language, _offices: format_day(value, language),
    "review": _named(REVIEWS),
    "service": _named(SERVICES),
    "case": _escalation_part(0, "case"),
    "callback": _escalation_part(1, "callback"),
}


def text_key(kind: str, params: dict) -> str:
    """Which text of the catalogue a message uses: ``<kind>:<audience>`` if it has one."""
    audience = params.get("audience")
    return f"{kind}:{audience}" if audience else kind


@cache
def required_params(kind: str) -> frozenset[str]:
    """The params a message of ``kind`` needs: the fields its texts name.

    >>> sorted(required_params("reminder"))
    ['link', 'location', 'start']
    """
    fields = set()
    for subject, body in TEXTS[kind].values():
        fields.update(name for text in (subject, body)
                      for _, name, _, _ in string.Formatter().parse(text) if name)
    return frozenset(fields)


def check_params(kind: str, params: dict, queued: bool = False) -> None:
    """Raise :class:`MissingParams` unless ``params`` has every param ``kind`` needs
    (``queued``: those the outbox must hold, i.e. without :data:`ADDED_AT_SEND`).

    Raises:
        MissingParams: a needed param is missing or None (also: an unknown kind).
    """
    key = text_key(kind, params)
    if key not in TEXTS:
        raise MissingParams(f"no texts for notification kind {key!r}")
    later = ADDED_AT_SEND.get(kind, frozenset()) if queued else frozenset()
    if queued and params.get(LINK_REF) is not None:
        later |= {"link"}  # the sender makes the family's link from its reference
    missing = sorted(name for name in required_params(key) - later
                     if params.get(name) is None)
    if missing:
        raise MissingParams(f"{kind} needs {', '.join(missing)}")


def render(kind: str, language: str, params: dict,
           office_names: dict[str, str] | None = None) -> Message:
    """The message of ``kind`` in ``language`` (falls back to Finnish).

    Raises:
        MissingParams: ``params`` lacks one the text needs.

    >>> render("reminder", "fi", {"start": "2026-12-01T07:00:00+00:00",
    ...                           "location": "home", "link": "https://t.fi/b/x"}).body
    'Muistutus: tapaaminen ti 1.12. klo 9.00, kotona. Muuta tai peru: https://t.fi/b/x'
    """
    check_params(kind, params)
    key = text_key(kind, params)
    language = language if language in LANGUAGES else "fi"
    subject, body = TEXTS[key][language]
    offices = office_names or {}
    values = {name: FORMATTERS[name](params[name], language, offices) if name in FORMATTERS
              else params[name] for name in required_params(key)}
    if kind == "feedback":
        return _with_qr(subject, body.format(**values), values["link"], language)
    return Message(subject=subject.format(**values), body=body.format(**values))


def _with_qr(subject: str, text: str, link: str, language: str) -> Message:
    """The text, and an HTML part showing the link and its QR code (to scan with a phone)."""
    from chalicelib.qr import png

    html = (f'<p>{escape(text)}</p><p><a href="{escape(link)}">{escape(link)}</a></p>'
            f'<p><img src="cid:qr" alt="{QR_ALT[language]}" width="180" height="180"></p>')
    return Message(subject=subject, body=text, html=html, images=(("qr", png(link)),))
