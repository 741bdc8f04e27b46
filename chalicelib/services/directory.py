"""Directory use cases: offices, workers and family cases, with the case audit trail."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.access import Actor, require_case_access, require_coordinator
from chalicelib.domain.directory import (PLACE_KINDS, Case, Contact, Office, Worker,
                                         check_start_date)
from chalicelib.domain.errors import Forbidden, NotFound, Rejected
from chalicelib.domain.numbers import exact_number
from chalicelib.domain.paging import Page
from chalicelib.domain.workdays import local


def put_office(repo, actor: Actor, office: Office) -> Office:
    require_coordinator(actor)
    repo.put_office(office)
    return office


def list_offices(repo) -> list[Office]:
    return sorted(repo.list_offices(), key=lambda o: o.id)


def put_worker(repo, actor: Actor, worker: Worker) -> tuple[Worker, bool]:
    """Create or replace a worker; returns it and whether it was created."""
    require_coordinator(actor)
    if worker.office and not repo.get_offices([worker.office]):
        raise Rejected(f"office {worker.office!r} does not exist", code="unknown_office",
                       field="office")
    return worker, repo.put_worker(worker)


def list_workers(repo, actor: Actor, cursor: str | None, size: int) -> Page[Worker]:
    """A page of the staff directory in id order (coordinators: it holds phones and e-mails)."""
    require_coordinator(actor)
    return repo.list_workers(cursor, size)


def list_cases(repo, actor: Actor, worker_id: str | None, cursor: str | None, size: int,
               now: datetime) -> Page[Case]:
    """A page of cases in id order; each listed case's audit trail records the read.

    Coordinators see every case, or one worker's with ``worker_id``; a worker sees only
    their own (as worker or social worker), whatever ``worker_id`` they ask for but
    their own is refused.
    """
    if not actor.is_coordinator:
        if not actor.worker_id or worker_id not in (None, actor.worker_id):
            raise Forbidden("workers may only list their own cases")
        worker_id = actor.worker_id
    page = repo.list_cases(worker_id, cursor, size)
    repo.add_audits([c.id for c in page.items], now, actor.label(), "case.list")
    return page


def get_worker(repo, worker_id: str) -> Worker:
    worker = repo.get_workers([worker_id]).get(worker_id)
    if worker is None:
        raise NotFound("no such worker")
    return worker


def new_case_id() -> str:
    """A short random case code; it names the case in feeds and SMS instead of a name."""
    return "k" + secrets.token_hex(4)


def open_case(repo, actor: Actor, fields: dict, now: datetime, on_saved=None) -> Case:
    """Create a case from validated fields (see api.schemas.CaseIn).

    ``on_saved(case)`` runs after the save (the reviews recompute hooks in here).
    """
    require_coordinator(actor)
    case = _case_from_fields(new_case_id(), fields, created_at=now, updated_at=now)
    check_start_date(case.start_date, local(now).date())
    _check_references(repo, case)
    saved = repo.save_case(case)
    repo.add_audit(saved.id, now, actor.label(), "case.create")
    if on_saved:
        on_saved(saved)
    return saved


def read_case(repo, actor: Actor, case_id: str, now: datetime, action: str = "case.read") -> Case:
    """Load a case the actor may see, and write the read to its audit trail."""
    case = repo.get_case(case_id)
    if case is None:
        raise NotFound("no such case")
    require_case_access(actor, case)
    repo.add_audit(case.id, now, actor.label(), action)
    return case


def update_case(repo, actor: Actor, case_id: str, merge, now: datetime, on_saved=None) -> Case:
    """Apply a partial change. ``merge(current_fields) -> validated fields``.

    ``on_saved(case)`` runs after the save, as for :func:`open_case`.
    """
    require_coordinator(actor)
    case = repo.get_case(case_id)
    if case is None:
        raise NotFound("no such case")
    fields = merge(case_fields(case))
    changed = replace(
        _case_from_fields(case.id, fields, created_at=case.created_at, updated_at=now),
        link_epoch=case.link_epoch,
        version=case.version,
    )
    if changed.start_date != case.start_date:
        check_start_date(changed.start_date, local(now).date())
    _check_references(repo, changed)
    saved = repo.save_case(changed)
    repo.add_audit(case.id, now, actor.label(), "case.update")
    if on_saved:
        on_saved(saved)
    return saved


def case_audit(repo, actor: Actor, case_id: str, now: datetime) -> list[dict]:
    require_coordinator(actor)
    read_case(repo, actor, case_id, now, action="audit.read")
    return [{"at": at, "actor": who, "action": what} for at, who, what in repo.list_audit(case_id)]


def case_fields(case: Case) -> dict:
    """The case as the API shows it (and as PATCH merges into)."""
    return {
        "service": case.service,
        "workers": list(case.workers),
        "social_worker": case.social_worker,
        "start_date": case.start_date.isoformat(),
        "meeting_minutes": case.meeting_minutes,
        "meetings_per_week": case.meetings_per_week,
        "locations": list(case.locations),
        "contact": {"phone": case.contact.phone, "email": case.contact.email,
                    "language": case.contact.language,
                    "channels": list(case.contact.channels) if case.contact.channels else None},
        "reminders": list(case.reminders),
        "worker_reminders": list(case.worker_reminders),
    }


def case_summary(case: Case) -> dict:
    """A case as lists show it: who, what and where, nothing of how the family is reached."""
    fields = case_fields(case)
    return {"id": case.id, **{k: fields[k] for k in (
        "service", "workers", "social_worker", "start_date", "meetings_per_week", "locations")}}


def _case_from_fields(case_id: str, f: dict, created_at, updated_at) -> Case:
    contact = f["contact"]
    return Case(
        id=case_id,
        service=f["service"],
        workers=tuple(f["workers"]),
        social_worker=f.get("social_worker"),
        start_date=f["start_date"] if isinstance(f["start_date"], date)
        else date.fromisoformat(f["start_date"]),
        meeting_minutes=int(f["meeting_minutes"]),
        meetings_per_week=int(f["meetings_per_week"]),
        locations=tuple(f["locations"]),
        contact=Contact(contact.get("phone"), contact.get("email"), contact.get("language", "fi"),
                        tuple(contact["channels"]) if contact.get("channels") else None),
        reminders=tuple(map(exact_number, f["reminders"])),
        worker_reminders=tuple(map(exact_number, f.get("worker_reminders") or ())),
        created_at=created_at,
        updated_at=updated_at,
    )


def _check_references(repo, case: Case) -> None:
    people = [*case.workers, *([case.social_worker] if case.social_worker else [])]
    known = repo.get_workers(people)
    for field, ids in (("workers", case.workers), ("social_worker", [case.social_worker])):
        missing = [i for i in ids if i and i not in known]
        if missing:
            raise Rejected(f"unknown worker {missing[0]!r}", code="unknown_worker", field=field)
    offices = [loc for loc in case.locations if loc not in PLACE_KINDS]
    known_offices = repo.get_offices(offices) if offices else {}
    for loc in offices:
        if loc not in known_offices:
            raise Rejected(f"{loc!r} is neither a place kind {PLACE_KINDS} nor an office id",
                           code="bad_location", field="locations")
    if len(set(case.locations)) != len(case.locations):
        raise Rejected("locations must be distinct", code="invalid_value", field="locations")
