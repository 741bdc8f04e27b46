"""What the booking page shows, as plain values for the templates (no I/O, no clock).

Handlers load the case, offices, appointments and slots, then call these functions with
``now`` and the page's :class:`Urls`; the templates only lay the values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
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


def week_start(asked: str | None, now: datetime) -> date:
    """The Monday of the asked week (``YYYY-MM-DD``), never before this week."""
    this_monday = _monday(local(now).date())
    try:
        wanted = _monday(date.fromisoformat(asked)) if asked else this_monday
    except ValueError:
        wanted = this_monday
    return max(wanted, this_monday)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def place_label(words: Words, location: str, offices: dict[str, Office]) -> tuple[str, str]:
    """(name, address) of a place: "Kotona" for home, the office's name and street address."""
    if location in PLACE_KINDS:
        return words(f"place.{location}"), ""
    office = offices.get(location)
    return (office.name, office.address) if office else (words("place.unknown"), "")


def language_links(urls: Urls, query: dict) -> list[tuple[str, str]]:
    """(code, URL) for every language, keeping the page's other query parameters."""
    return [(code, urls.page(**{**query, "lang": code})) for code in LANGUAGES]


def language_names() -> dict[str, str]:
    return {code: catalogue(code)["language.name"] for code in LANGUAGES}


def appointment_card(words: Words, urls: Urls, appointment, offices, week: date | None = None):
    """One appointment as the page shows it (time span, place, its links)."""
    name, address = place_label(words, appointment.location, offices)
    return {
        "id": appointment.id,
        "span": words.span(appointment.start, appointment.end),
        "place_name": name,
        "place_address": address,
        "ics_url": urls.ics(appointment.id),
        "move_url": urls.page(move=appointment.id, place=appointment.location,
                              week=week.isoformat() if week else None) + "#slots-title",
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


def week_view(words: Words, urls: Urls, monday: date, now: datetime, query: dict) -> dict:
    """The week heading ("Viikko 49: 30.11.–6.12.") and its previous/next links."""
    sunday = monday + timedelta(days=6)
    this_monday = _monday(local(now).date())
    previous = monday - timedelta(days=7)
    return {
        "start": monday.isoformat(),
        "label": words("slots.week", week=monday.isocalendar()[1],
                       first=words.short_date(monday), last=words.short_date(sunday)),
        "previous_url": (urls.page(**{**query, "week": previous.isoformat()}) + "#slots-title"
                         if previous >= this_monday else None),
        "next_url": urls.page(**{**query, "week": (monday + timedelta(days=7)).isoformat()})
        + "#slots-title",
    }


def slot_days(words: Words, urls: Urls, slots, place: str | None, monday: date,
              move_id: str | None) -> list[dict]:
    """The week's free slots at ``place`` grouped by Helsinki day, each linking to confirm."""
    sunday = monday + timedelta(days=6)
    usable = [s for s in slots if place in s.locations and monday <= local(s.start).date() <= sunday]
    days = []
    for day, group in groupby(sorted(usable, key=lambda s: s.start),
                              key=lambda s: local(s.start).date()):
        days.append({"heading": words.day(day), "slots": [{
            "time": words.time(s.start),
            "label": words.span(s.start, s.end),
            "url": urls.confirm(start=local(s.start).isoformat(), place=place,
                                move=move_id, week=monday.isoformat()),
        } for s in group]})
    return days
