"""What the console's templates show: domain values turned into words in the user's language.

Nothing here reads the store except through the services it is handed; each function
turns what a service returned into the small dicts a template iterates over.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Actor
from chalicelib.domain.appointment import OUTCOMES
from chalicelib.domain.directory import PLACE_KINDS
from chalicelib.domain.workdays import local
from chalicelib.services import directory as use
from chalicelib.services.staff_case import CasePage
from chalicelib.services.staff_cases import CaseRow
from chalicelib.services.staff_home import Home
from chalicelib.web.i18n import Words
from chalicelib.web.staff_forms import hours_text
from chalicelib.web.view import place_label

NOTICES = ("saved", "link_sent_sms", "link_sent_email", "links_revoked", "review_completed",
           "outcome_saved")
WORKER_PAGE = 100


def all_workers(directory, actor: Actor) -> list:
    """Every worker in id order (a coordinator's view; every page of the listing)."""
    workers, cursor = [], None
    while True:
        page = use.list_workers(directory, actor, cursor, WORKER_PAGE)
        workers += page.items
        cursor = page.cursor
        if cursor is None:
            return workers


def team_ids(directory, actor: Actor) -> list[str]:
    """Whose agendas the home shows: a worker's own, a coordinator's whole team's."""
    if not actor.is_coordinator:
        return [actor.worker_id] if actor.worker_id else []
    return [w.id for w in all_workers(directory, actor)]


def home(words: Words, found: Home, offices: dict) -> dict:
    return {
        "meetings": [{"when": words.span(m.start, m.end), "case_id": m.case_id,
                      "place": place_label(words, m.location, offices)[0]}
                     for m in found.meetings],
        "deadlines": [{"due": words.short_date(d.due), "case_id": d.case_id,
                       "kind": review_kind(words, d.kind), "overdue": d.due < found.today}
                      for d in found.deadlines],
    }


def help_requests(words: Words, records) -> list[dict]:
    """Help requests nobody has acknowledged yet, oldest first."""
    waiting = sorted(records, key=lambda r: r.escalation.opened_at)
    return [{"when": words.datetime(r.escalation.opened_at), "case_id": r.case_id,
             "code": r.short_code, "status": words(f"staff.escalation.{r.escalation.status}")}
            for r in waiting]


def case(words: Words, found: CasePage, now: datetime) -> dict:
    c = found.case
    today = local(now).date()

    def person(worker_id: str) -> str:
        worker = found.workers.get(worker_id)
        return f"{worker.name} ({worker_id})" if worker else worker_id

    def appointment(a) -> dict:
        key = f"staff.appointment.{a.status}"
        return {"when": words.span(a.start, a.end),
                "place": place_label(words, a.location, found.offices)[0],
                "status": words(key) if _known(words, key) else a.status,
                **outcome_cells(words, a, now)}

    return {
        "c": c, "workers": [person(w) for w in c.workers],
        "social_worker": person(c.social_worker) if c.social_worker else None,
        "start_date": words.short_date(c.start_date) + f"{c.start_date.year}",
        "places": [place_label(words, p, found.offices)[0] for p in c.locations],
        "reminders": words("staff.case.reminders_text", hours=hours_text(c.reminders)),
        # Where one message to the family goes (its chosen channels, or the default one).
        "channels": [words(f"staff.channel.{name}") for name, _ in c.contact.destinations()],
        "upcoming": [appointment(a) for a in found.upcoming],
        "past": [appointment(a) for a in found.past],
        "outcome_choices": outcome_choices(words),
        "reviews": [{"id": r.id, "kind": review_kind(words, r.kind),
                     "due": words.short_date(r.due) + f"{r.due.year}",
                     "status": words(f"staff.review.{r.status(today)}"),
                     "open": r.completed_on is None} for r in found.reviews],
        "notifications": None if found.notifications is None else [
            {"when": words.datetime(n.sent_at or n.created_at), "kind": n.kind,
             "channel": words(f"staff.channel.{n.channel}")
             if _known(words, f"staff.channel.{n.channel}") else n.channel,
             "status": n.status} for n in found.notifications],
    }


def outcome_cells(words: Words, a, now: datetime) -> dict:
    """What the outcome column shows of an appointment (or agenda entry): the recorded
    outcome in words, and whether it can be recorded now (booked and begun)."""
    return {"id": a.id, "outcome": words(f"staff.outcome.{a.outcome}") if a.outcome
            else words("staff.outcome.none"),
            "recordable": a.status == "booked" and a.kind != "group" and a.start <= now}


def awaiting_rows(words: Words, entries, offices: dict, now: datetime) -> list[dict]:
    """The rows of ``/staff/outcomes``: each meeting's time, case, place and its form."""
    return [{"when": words.span(e.start, e.end), "case_id": e.case_id,
             "place": place_label(words, e.location, offices)[0],
             "status": words(f"staff.appointment.{e.status}"), **outcome_cells(words, e, now)}
            for e in entries]


def outcome_choices(words: Words) -> list[tuple[str, str]]:
    """(value, label) of each outcome a worker can record."""
    return [(value, words(f"staff.outcome.{value}")) for value in OUTCOMES]


def case_row(words: Words, row: CaseRow) -> dict:
    c = row.case
    return {"id": c.id, "service": c.service, "workers": list(c.workers),
            "deadline": words.short_date(row.next_deadline) + f"{row.next_deadline.year}"
            if row.next_deadline else None}


def audit_entry(words: Words, entry: dict) -> dict:
    return {"when": words.datetime(entry["at"]), "actor": entry["actor"],
            "action": entry["action"]}


def review_kind(words: Words, kind: str) -> str:
    key = f"staff.review_kind.{kind}"
    return words(key) if _known(words, key) else kind


def place_choices(words: Words, offices) -> list[tuple[str, str]]:
    """(value, label) of every place a case can have: the place kinds, then the offices."""
    return place_options(words, [(o.id, o.name_in(words.language)) for o in offices])


def place_options(words: Words, offices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, label) of the place kinds, then ``offices`` as (id, name)."""
    return [*((k, words(f"place.{k}")) for k in PLACE_KINDS), *offices]


def _known(words: Words, key: str) -> bool:
    from chalicelib.web.i18n import catalogue

    return key in catalogue(words.language)


def busy_source_view(words: Words, source) -> dict | None:
    """A worker's busy source as the console shows it (never its URL, user or secret)."""
    if source is None:
        return None
    return {"kind": words(f"staff.busy.kind.{source.kind}"), "host": source.host,
            "last_sync": words.datetime(source.last_sync_at) if source.last_sync_at
            else words("staff.busy.never"),
            "busy_count": source.busy_count, "last_error": source.last_error}
