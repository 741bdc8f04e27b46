"""What the booking page shows, as plain values for the templates (no I/O, no clock).

Handlers load the case, offices, appointments and slots, then call these functions with
``now`` and the page's :class:`Urls`; the templates only lay the values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from chalicelib.domain.directory import LANGUAGES, PLACE_KINDS, Office
from chalicelib.domain.workdays import local
from chalicelib.web.i18n import Words, catalogue


@dataclass(frozen=True)
class Urls:
    """Every address the page links to, under ``base`` (the public URL's path)."""

    base: str
    token: str

    @property
    def root(self) -> str:
        return f"{self.base}/book/{self.token}"

    def page(self, **query) -> str:
        return _with_query(self.root, query)

    def confirm(self, **query) -> str:
        return _with_query(f"{self.root}/page/confirm", query)

    def action(self, name: str, appointment_id: str | None = None) -> str:
        """A POST target: ``/book/{token}/page/<name>[/<id>]`` (never a JSON route)."""
        return f"{self.root}/page/{name}" + (f"/{appointment_id}" if appointment_id else "")

    def booked(self, appointment_id: str, moved: bool = False) -> str:
        return _with_query(self.action("booked", appointment_id), {"moved": "1" if moved else None})

    def ics(self, appointment_id: str) -> str:
        return f"{self.root}/appointments/{appointment_id}.ics"

    @property
    def calendar(self) -> str:
        return f"{self.root}/calendar.ics"


def _with_query(path: str, query: dict) -> str:
    kept = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def place_label(words: Words, location: str, offices: dict[str, Office]) -> tuple[str, str]:
    """(name, address) of a place: "Kotona" for home, the office's name (in Swedish for a
    Swedish reader, when it has one) and street address."""
    if location in PLACE_KINDS:
        return words(f"place.{location}"), ""
    office = offices.get(location)
    if office is None:
        return words("place.unknown"), ""
    return office.name_in(words.language), office.address


def language_links(urls: Urls, query: dict) -> list[tuple[str, str]]:
    """(code, URL) for every language, keeping the page's other query parameters."""
    return [(code, urls.page(**{**query, "lang": code})) for code in LANGUAGES]


def language_names() -> dict[str, str]:
    return {code: catalogue(code)["language.name"] for code in LANGUAGES}


def intro(words: Words, workers) -> str:
    """The page's first line, naming the family's workers by first name (this page only)."""
    names = [w.first_name for w in workers if w.first_name]
    if len(names) == 2:
        return words("site.intro_two", first=names[0], second=names[1])
    return words("site.intro_one", first=names[0]) if names else words("site.intro")


def appointment_card(words: Words, urls: Urls, appointment, offices):
    """One appointment as the page shows it (time span, place, its links)."""
    name, address = place_label(words, appointment.location, offices)
    return {
        "id": appointment.id,
        "span": words.span(appointment.start, appointment.end),
        "place_name": name,
        "place_address": address,
        "ics_url": urls.ics(appointment.id),
        "move_url": urls.page(move=appointment.id, place=appointment.location,
                              day=local(appointment.start).date().isoformat()) + "#slots-title",
        "cancel_url": urls.action("cancel", appointment.id),
    }


def upcoming(appointments, now: datetime) -> list:
    """Booked appointments that have not ended, soonest first."""
    return sorted((a for a in appointments if a.status == "booked" and a.end > now),
                  key=lambda a: a.start)


def place_choices(words: Words, locations, chosen: str, offices) -> list[dict]:
    return [{"code": loc, "label": ", ".join(filter(None, place_label(words, loc, offices))),
             "selected": loc == chosen} for loc in locations]


def chosen_place(asked: str | None, locations) -> str | None:
    """The asked place if the case allows it, else the case's first place."""
    if asked in locations:
        return asked
    return locations[0] if locations else None
