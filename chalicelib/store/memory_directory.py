"""The directory's in-memory twin: the same interface as ``DynamoDirectory`` over dicts,
for fast service tests (``tests/support/twins.py`` runs one contract suite on both)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.directory import Case, Office, Worker
from chalicelib.domain.errors import Conflict
from chalicelib.domain.paging import Page, page_of
from chalicelib.store import directory_lists as lists
from chalicelib.store.directory_items import NAME_OF, cases_listing


class InMemoryDirectory:
    """The same interface over dicts, for fast service tests."""

    def __init__(self):
        self.offices: dict[str, Office] = {}
        self.workers: dict[str, Worker] = {}
        self.cases: dict[str, Case] = {}
        self.audit: dict[str, list[tuple[datetime, str, str]]] = {}

    def put_office(self, office: Office) -> None:
        self.offices[office.id] = office

    def sync_office_names(self) -> None:
        """Nothing to write: the names come from ``offices`` (see ``office_names_item``)."""

    def office_names_item(self) -> dict:
        """The raw names item DynamoDB would hold for these offices (for shared reads)."""
        return {NAME_OF + o.id: {"S": o.name} for o in self.offices.values()}

    def list_offices(self) -> list[Office]:
        return [self.offices[k] for k in sorted(self.offices)]

    def get_offices(self, ids) -> dict[str, Office]:
        return {i: self.offices[i] for i in set(ids) if i in self.offices}

    def get_offices_and_workers(self, office_ids, worker_ids
                                ) -> tuple[dict[str, Office], dict[str, Worker]]:
        return self.get_offices(office_ids), self.get_workers(worker_ids)

    def put_worker(self, worker: Worker) -> bool:
        created = worker.id not in self.workers
        self.workers[worker.id] = worker
        return created

    def list_workers(self, cursor: str | None, size: int) -> Page[Worker]:
        return page_of("workers", self.workers.values(), lambda w: w.id, cursor, size)

    def office_workers(self, office_id: str | None) -> list[Worker]:
        return [self.workers[k] for k in sorted(self.workers)
                if office_id is None or self.workers[k].office == office_id]

    def get_workers(self, ids) -> dict[str, Worker]:
        return {i: self.workers[i] for i in set(ids) if i in self.workers}

    def get_case(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def save_case(self, case: Case) -> Case:
        stored = self.cases.get(case.id)
        if (stored.version if stored else 0) != case.version:
            raise Conflict("the case was changed by someone else; reload and retry",
                           code="concurrent_update")
        saved = replace(case, version=case.version + 1)
        self.cases[case.id] = saved
        return saved

    def case_ids(self, service: str) -> list[str]:
        return sorted(c.id for c in self.cases.values() if c.service == service)

    def index_lists(self, worker_ids, case_ids) -> None:
        """Nothing to write: the lists are read from ``workers`` and ``cases``."""

    def list_cases(self, worker_id: str | None, cursor: str | None, size: int) -> Page[Case]:
        listed = (c for c in self.cases.values()
                  if worker_id is None or lists.worker_cases(worker_id) in lists.lists_of(c))
        return page_of(cases_listing(worker_id), listed, lambda c: c.id, cursor, size)

    def add_audit(self, case_id: str, at: datetime, actor: str, action: str) -> None:
        self.audit.setdefault(case_id, []).append((at, actor, action))

    def add_audits(self, case_ids, at: datetime, actor: str, action: str) -> None:
        for case_id in case_ids:
            self.add_audit(case_id, at, actor, action)

    def list_audit(self, case_id: str) -> list[tuple[datetime, str, str]]:
        return sorted(self.audit.get(case_id, []))
