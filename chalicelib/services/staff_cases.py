"""The console's case list: the actor's cases, filtered, with each one's next deadline.

Cases come from the directory's case listing (a worker: their own; a coordinator: all or
one worker's), every page of it; the next deadline of each case comes from its workers'
agendas, one Query per worker (where review deadlines already live for the feeds), read
in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case
from chalicelib.services import directory as use
from chalicelib.services.staff_home import read_agendas

PAGE_SIZE = 100


@dataclass(frozen=True)
class CaseFilter:
    """What the list is narrowed to; ``None`` is "all"."""

    worker: str | None = None
    service: str | None = None
    office: str | None = None

    def keeps(self, case: Case) -> bool:
        return ((self.service is None or case.service == self.service)
                and (self.office is None or self.office in case.locations))


@dataclass(frozen=True)
class CaseRow:
    case: Case
    next_deadline: date | None


def case_rows(directory, agenda, actor: Actor, wanted: CaseFilter, now: datetime
              ) -> list[CaseRow]:
    """The cases ``actor`` may see that ``wanted`` keeps, soonest deadline first (none last)."""
    cases, cursor = [], None
    while True:
        page = use.list_cases(directory, actor, wanted.worker, cursor, PAGE_SIZE, now)
        cases += [c for c in page.items if wanted.keeps(c)]
        cursor = page.cursor
        if cursor is None:
            break
    soonest: dict[str, date] = {}
    owners = [w for c in cases for w in (*c.workers, c.social_worker) if w]
    for found in read_agendas(agenda, owners, now):
        for deadline in found.deadlines:
            known = soonest.get(deadline.case_id)
            soonest[deadline.case_id] = min(known, deadline.due) if known else deadline.due
    rows = [CaseRow(c, soonest.get(c.id)) for c in cases]
    return sorted(rows, key=lambda r: (r.next_deadline is None, r.next_deadline or date.min,
                                       r.case.id))
