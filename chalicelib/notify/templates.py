"""Message texts in Finnish, Swedish and English for every notification kind.

Texts carry a time, a place, a short code and a link, never names, case details or the
family's own words (DESIGN.md §7). Family texts fit one SMS segment with a booking link of
up to ~70 characters (tests check it). Dates and times are formatted with Babel in
Europe/Helsinki, e.g. fi ``ti 1.12. klo 9.00``, sv ``tis 1.12. kl. 9.00``,
en ``Tue 1 Dec at 09:00``.

Params by kind (all strings unless said; instants ISO 8601 or aware datetimes):

* ``confirmation``, ``cancellation``, ``reminder`` (family):
  ``start`` (instant), ``location`` (``home``/``daycare``/``school``/``placement`` or an
  office id), ``link`` (optional: the family's booking page).
* ``worker-reminder`` (the appointment's workers, in Finnish): ``code`` (case code),
  ``start``, ``location``.
* ``escalation`` (on-call worker): ``code`` (escalation or case code), ``link`` (optional
  acknowledgement link).
* ``escalation-received`` (family): ``support_phone`` (optional).
* ``escalation-fallback`` (family): ``crisis_phone`` (the social and crisis emergency
  number; 112 is always named).
* ``review-due``, ``review-overdue`` (workers, social worker): ``code`` (case code),
  ``review`` (review kind, e.g. ``plan``), ``due`` (``YYYY-MM-DD``).
* ``oncall-gap`` (coordinator): ``level`` (``primary``/``secondary``), ``start``,
  ``end`` (instants).
* ``feedback`` (family): ``link`` (the service's survey); the e-mail also shows the link
  as a QR code image (``Message.images``, content id ``qr``).
* ``group-seat`` (family): ``start`` (the next session), ``location`` (the office),
  ``link`` (the family's page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from chalicelib.domain.workdays import HELSINKI

LANGUAGES = ("fi", "sv", "en")

# (Babel locale, date pattern, word before the time, time pattern, date-only pattern)
FORMATS = {
    "fi": ("fi", "EEE d.M.", "klo", "H.mm", "d.M.yyyy"),
    "sv": ("sv_FI", "EEE d.M.", "kl.", "H.mm", "d.M.yyyy"),
    "en": ("en_GB", "EEE d MMM", "at", "HH:mm", "d MMM yyyy"),
}

PLACES = {
    "home": {"fi": "kotona", "sv": "hemma", "en": "at home"},
    "daycare": {"fi": "päiväkodissa", "sv": "på daghemmet", "en": "at the daycare"},
    "school": {"fi": "koulussa", "sv": "i skolan", "en": "at school"},
    "placement": {"fi": "sijaishuoltopaikassa", "sv": "på placeringen",
                  "en": "at the placement"},
}

# kind -> language -> (subject, body, appended when params has a link)
TEXTS = {
    "confirmation": {
        "fi": ("Tapaaminen varattu", "Tapaaminen varattu: {when}, {place}.",
               " Muuta tai peru: {link}"),
        "sv": ("Mötet är bokat", "Mötet är bokat: {when}, {place}.",
               " Ändra eller avboka: {link}"),
        "en": ("Meeting booked", "Meeting booked: {when}, {place}.",
               " Change or cancel: {link}"),
    },
    "cancellation": {
        "fi": ("Tapaaminen peruttu", "Tapaaminen {when}, {place}, on peruttu.",
               " Varaa uusi: {link}"),
        "sv": ("Mötet är avbokat", "Mötet {when}, {place}, är avbokat.",
               " Boka en ny tid: {link}"),
        "en": ("Meeting cancelled", "The meeting {when}, {place}, is cancelled.",
               " Book a new one: {link}"),
    },
    "reminder": {
        "fi": ("Muistutus tapaamisesta", "Muistutus: tapaaminen {when}, {place}.",
               " Muuta tai peru: {link}"),
        "sv": ("Påminnelse om mötet", "Påminnelse: möte {when}, {place}.",
               " Ändra eller avboka: {link}"),
        "en": ("Meeting reminder", "Reminder: meeting {when}, {place}.",
               " Change or cancel: {link}"),
    },
    "worker-reminder": {
        "fi": ("Muistutus tapaamisesta",
               "Muistutus: asiakkuus {code}, tapaaminen {when}, {place}.", ""),
        "sv": ("Påminnelse om mötet", "Påminnelse: klient {code}, möte {when}, {place}.", ""),
        "en": ("Meeting reminder", "Reminder: case {code}, meeting {when}, {place}.", ""),
    },
    "escalation": {
        "fi": ("Tukipyyntö", "Päivystys: uusi tukipyyntö {code}.", " Kuittaa: {link}"),
        "sv": ("Begäran om stöd", "Jour: ny begäran om stöd {code}.", " Kvittera: {link}"),
        "en": ("Request for help", "On call: new request for help {code}.",
               " Acknowledge: {link}"),
    },
    "escalation-received": {
        "fi": ("Pyyntösi on vastaanotettu",
               "Pyyntösi on vastaanotettu. Päivystäjä ottaa sinuun yhteyttä pian.",
               ""),
        "sv": ("Din begäran har tagits emot",
               "Din begäran har tagits emot. Jouren kontaktar dig snart.", ""),
        "en": ("Your request was received",
               "Your request was received. The on-call worker will contact you soon.", ""),
    },
    "escalation-fallback": {
        "fi": ("Soita päivystykseen",
               "Päivystäjä ei ole vielä vastannut. Soita sosiaali- ja kriisipäivystykseen "
               "{crisis_phone}. Hätätilanteessa soita 112.", ""),
        "sv": ("Ring jouren",
               "Jouren har inte svarat ännu. Ring social- och krisjouren {crisis_phone}. "
               "I nödsituationer ring 112.", ""),
        "en": ("Call the emergency service",
               "The on-call worker has not answered yet. Call the social and crisis "
               "emergency service {crisis_phone}. In an emergency call 112.", ""),
    },
    "review-due": {
        "fi": ("Arviointi erääntyy", "Asiakkuus {code}: {review} erääntyy {due}.", ""),
        "sv": ("Uppföljning förfaller", "Klient {code}: {review} förfaller {due}.", ""),
        "en": ("Review due", "Case {code}: {review} is due {due}.", ""),
    },
    "review-overdue": {
        "fi": ("Arviointi myöhässä", "Asiakkuus {code}: {review} on myöhässä (eräpäivä {due}).",
               ""),
        "sv": ("Uppföljning försenad", "Klient {code}: {review} är försenad (förföll {due}).",
               ""),
        "en": ("Review overdue", "Case {code}: {review} is overdue (due {due}).", ""),
    },
    "oncall-gap": {
        "fi": ("Päivystyksessä aukko", "Päivystysvuorossa ({level}) on aukko {start} - {end}.",
               ""),
        "sv": ("Lucka i jouren", "Jourlistan ({level}) har en lucka {start} - {end}.", ""),
        "en": ("On-call gap", "Nobody is on call ({level}) {start} - {end}.", ""),
    },
    "feedback": {
        "fi": ("Palautekysely", "Kiitos yhteistyöstä! Kerro kokemuksestasi: {link}", ""),
        "sv": ("Responsenkät", "Tack för samarbetet! Berätta om din erfarenhet: {link}", ""),
        "en": ("Feedback survey", "Thank you for working with us! Tell us how it went: {link}",
               ""),
    },
    "group-seat": {
        "fi": ("Paikka ryhmässä", "Sait paikan vertaistukiryhmästä: {when}, {place}.",
               " Katso: {link}"),
        "sv": ("Plats i gruppen", "Du fick en plats i kamratstödsgruppen: {when}, {place}.",
               " Se: {link}"),
        "en": ("A seat in the group", "You have a seat in the peer-support group: {when}, "
               "{place}.", " See: {link}"),
    },
}
QR_ALT = {"fi": "QR-koodi kyselyn linkkiin", "sv": "QR-kod till enkätens länk",
          "en": "QR code of the survey link"}


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
    """A date, e.g. ``1.12.2026`` (fi, sv) or ``1 Dec 2026`` (en)."""
    from babel.dates import format_date

    locale, *_, pattern = FORMATS[language]
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return format_date(day, pattern, locale=locale)


def place_text(location: str, language: str, office_names: dict[str, str]) -> str:
    """Where the meeting is: "kotona"/"hemma"/"at home", or the office's name."""
    if location in PLACES:
        return PLACES[location][language]
    return office_names.get(location, location)


def render(kind: str, language: str, params: dict,
           office_names: dict[str, str] | None = None) -> Message:
    """The message of ``kind`` in ``language`` (falls back to Finnish).

    >>> render("reminder", "fi", {"start": "2026-12-01T07:00:00+00:00",
    ...                           "location": "home"}).body
    'Muistutus: tapaaminen ti 1.12. klo 9.00, kotona.'
    """
    language = language if language in LANGUAGES else "fi"
    subject, body, link_part = TEXTS[kind][language]
    values = {k: v for k, v in params.items() if v is not None}
    if "start" in values:
        values["when"] = format_when(values["start"], language)
    if kind == "oncall-gap":
        values["start"] = format_when(values["start"], language)
        values["end"] = format_when(values["end"], language)
    if "location" in values:
        values["place"] = place_text(values["location"], language, office_names or {})
    if "due" in values:
        values["due"] = format_day(values["due"], language)
    values.setdefault("code", "")
    text = body.format(**values)
    if link_part and values.get("link"):
        text += link_part.format(**values)
    if kind == "feedback":
        return _with_qr(subject, text, values["link"], language)
    return Message(subject=subject, body=text)


def _with_qr(subject: str, text: str, link: str, language: str) -> Message:
    """The text, and an HTML part showing the link and its QR code (to scan with a phone)."""
    from chalicelib.qr import png

    html = (f'<p>{escape(text)}</p><p><a href="{escape(link)}">{escape(link)}</a></p>'
            f'<p><img src="cid:qr" alt="{QR_ALT[language]}" width="180" height="180"></p>')
    return Message(subject=subject, body=text, html=html, images=(("qr", png(link)),))
