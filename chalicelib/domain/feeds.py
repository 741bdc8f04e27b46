"""What a calendar feed shows and says: its time window, how long a cancellation stays,
and privacy-safe texts (a case code, the kind of meeting, the place type or office).

Feeds end up on Google's, Microsoft's and Apple's servers and on lock screens
(docs/domain.md §5), so nothing here ever takes a name, phone number, e-mail or home address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.directory import PLACE_KINDS

PAST = timedelta(days=30)
AHEAD = timedelta(days=400)
CANCELLED_KEPT = timedelta(days=30)

KINDS = {
    "fi": {"meeting": "tapaaminen", "initial": "aloitustapaaminen",
           "network": "verkostotapaaminen", "final": "loppuneuvottelu",
           "crisis": "kriisitapaaminen", "group": "ryhmätapaaminen"},
    "sv": {"meeting": "möte", "initial": "inledande möte", "network": "nätverksmöte",
           "final": "slutmöte", "crisis": "krismöte", "group": "gruppmöte"},
    "en": {"meeting": "meeting", "initial": "first meeting", "network": "network meeting",
           "final": "final meeting", "crisis": "crisis meeting", "group": "group meeting"},
}
PLACES = {
    "fi": {"home": "kotikäynti", "daycare": "päiväkoti", "school": "koulu",
           "placement": "sijaishuoltopaikka"},
    "sv": {"home": "hembesök", "daycare": "daghem", "school": "skola",
           "placement": "placeringsplats"},
    "en": {"home": "home visit", "daycare": "daycare", "school": "school",
           "placement": "placement"},
}
# Review kinds (docs/domain.md §2) as a worker's feed names them, in Finnish like the rest.
REVIEW_KINDS = {
    "plan": "suunnitelma", "review": "väliarviointi", "summary": "kausiyhteenveto",
    "network-meeting": "verkostotapaaminen", "final": "loppuarviointi",
    "assessment-start": "arvioinnin aloitus", "assessment-complete": "arvioinnin valmistuminen",
    "client-plan-review": "asiakassuunnitelman tarkistus", "phase-review": "vaihearviointi",
}
# A meeting's recorded outcome as a worker's feed says it (docs/domain.md §2).
OUTCOMES = {"held": "pidetty", "no-show": "ei saapunut", "cancelled-late": "peruttu myöhään"}
FAMILY_NOTE = {
    "fi": "Voit perua tai siirtää ajan Tapaamon varauslinkistä.",
    "sv": "Du kan avboka eller flytta tiden via din bokningslänk i Tapaamo.",
    "en": "You can cancel or move this time with your Tapaamo booking link.",
}


@dataclass(frozen=True)
class AgendaEntry:
    """One appointment as feeds need it (the agenda projection booking writes with it).

    ``sequence`` is raised by booking on every change of time, place or status;
    ``updated_at`` is when that last happened (a cancellation's time, for cancelled ones,
    or when an outcome was recorded); ``outcome`` is what staff recorded, if anything.
    """

    id: str
    case_id: str
    start: datetime
    end: datetime
    location: str  # a place kind (PLACE_KINDS) or an office id
    kind: str
    status: str  # "booked" | "cancelled"
    sequence: int
    created_at: datetime
    updated_at: datetime
    outcome: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def office(self) -> str | None:
        """The office id when the meeting is at an office."""
        return None if self.location in PLACE_KINDS else self.location


def entry_of(appointment: Appointment) -> AgendaEntry:
    """The agenda view of a booked (or cancelled) appointment."""
    a = appointment
    return AgendaEntry(a.id, a.case_id, a.start, a.end, a.location, a.kind, a.status,
                       a.sequence, a.created_at, a.updated_at, a.outcome)


def window_start(now: datetime) -> datetime:
    """The earliest start a feed asks the store for (30 days back)."""
    return now - PAST


def window_end(now: datetime) -> datetime:
    """The first start a feed no longer asks the store for (400 days ahead)."""
    return now + AHEAD


def cancelled_until(now: datetime) -> datetime:
    """A cancellation changed at or before this is no longer shown (nor read)."""
    return now - CANCELLED_KEPT


def shown(entry: AgendaEntry, now: datetime) -> bool:
    """Whether a feed lists the entry: 30 days back to 400 ahead; a cancelled one for 30 days.

    >>> from datetime import UTC
    >>> t = datetime(2026, 5, 4, 9, tzinfo=UTC)
    >>> e = AgendaEntry("a1", "k1", t, t + timedelta(minutes=90), "home", "meeting",
    ...                 "cancelled", 1, t, t - timedelta(days=31))
    >>> shown(e, t)
    False
    """
    if entry.end <= window_start(now) or entry.start >= window_end(now):
        return False
    return not entry.cancelled or entry.updated_at > cancelled_until(now)


def language_of(language: str | None) -> str:
    """A supported language for texts; Finnish when unknown."""
    return language if language in KINDS else "fi"


def kind_label(kind: str, language: str) -> str:
    labels = KINDS[language_of(language)]
    return labels.get(kind, labels["meeting"])


def place_label(location: str, office_name: str | None, language: str) -> str:
    """The place type in the language, or the office's name (its id if unknown)."""
    if location in PLACE_KINDS:
        return PLACES[language_of(language)][location]
    return office_name or location


def staff_summary(entry: AgendaEntry, place: str) -> str:
    """A worker's event title: case code, kind, place and the recorded outcome, e.g.
    "Tapaamo k3f9a1b2 · kotikäynti · pidetty".

    A plain meeting at home reads just "kotikäynti" (a home visit says both).

    >>> t = datetime(2026, 5, 4, 9)
    >>> e = AgendaEntry("a1", "k3f9a1b2", t, t, "kallio", "network", "booked", 0, t, t)
    >>> staff_summary(e, "Kallio")
    'Tapaamo k3f9a1b2 · verkostotapaaminen · Kallio'
    """
    parts = [f"Tapaamo {entry.case_id}"]
    if not (entry.kind == "meeting" and entry.location == "home"):
        parts.append(kind_label(entry.kind, "fi"))
    parts.append(place)
    if entry.outcome in OUTCOMES:
        parts.append(OUTCOMES[entry.outcome])
    return " · ".join(parts)


def family_summary(entry: AgendaEntry, language: str) -> str:
    """A family's event title in their language, e.g. "Tapaamo · tapaaminen"."""
    return f"Tapaamo · {kind_label(entry.kind, language)}"


def deadline_summary(case_id: str, review_kind: str) -> str:
    """A review deadline's title: case code and the review kind, no names.

    >>> deadline_summary("k3f9a1b2", "plan")
    'Tapaamo k3f9a1b2 · määräpäivä · suunnitelma'
    """
    return f"Tapaamo {case_id} · määräpäivä · {REVIEW_KINDS.get(review_kind, review_kind)}"
