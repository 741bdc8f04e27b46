"""The reviews repository in memory: the twin of ``DynamoReviews`` for fast service tests.

Same methods, same fencing (versions, the claimed timer, a job's version and page), the
same ``due`` window (timers of today and yesterday, UTC) and the same outbox dedupe, so
one contract suite (tests/integration/test_review_store.py) runs against both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.errors import Conflict
from chalicelib.domain.notification import Notification
from chalicelib.domain.review_rules import Rule
from chalicelib.domain.review_state import (
    Deadline,
    RecomputeJob,
    ReviewChanges,
    ReviewRecord,
    timer_instant,
)
from chalicelib.domain.reviews import PastMeeting, held_dates


class InMemoryReviews:
    """Rules, review records, deadlines, recompute jobs and queued notes in dicts.

    ``add_meeting`` stands in for booking (the Dynamo store reads appointments);
    ``outbox`` holds the queued notes by outbox id.
    """

    def __init__(self):
        self.rules: dict[str, tuple[Rule, ...]] = {}
        self.stored: dict[tuple[str, str], ReviewRecord] = {}
        self.stamped: dict[tuple[str, str], datetime] = {}  # when each record was written
        self.jobs: dict[str, tuple[RecomputeJob, datetime]] = {}  # with the job's timer
        self.meetings: list[tuple[str, PastMeeting]] = []
        self.outbox: dict[str, Notification] = {}

    def add_meeting(self, case_id: str, start: datetime, status: str = "booked",
                    outcome: str | None = None) -> None:
        self.meetings.append((case_id, PastMeeting(start, status, outcome)))

    def get_rules(self, service: str) -> tuple[Rule, ...] | None:
        return self.rules.get(service)

    def put_rules(self, service: str, rules: Sequence[Rule], at: datetime, by: str) -> None:
        self.rules[service] = tuple(rules)
        old = self.jobs.get(service)
        self.jobs[service] = (RecomputeJob(service, old[0].version + 1 if old else 1), at)

    def records(self, case_id: str) -> dict[str, ReviewRecord]:
        return {rid: record for (cid, rid), record in sorted(self.stored.items())
                if cid == case_id}

    def apply(self, changes: ReviewChanges, existing: Mapping[str, ReviewRecord],
              now: datetime) -> None:
        expected = [(r, existing.get(r.review.id)) for r in changes.puts]
        expected += [(r, r) for r in changes.deletes]
        for record, read in expected:
            stored = self.stored.get(_key(record))
            if (stored.version if stored else None) != (read.version if read else None):
                raise Conflict("the reviews changed meanwhile; try again",
                               code="concurrent_update")
        for record in changes.puts:
            self.stored[_key(record)] = replace(record, version=record.version + 1)
            self.stamped[_key(record)] = now
        for record in changes.deletes:
            del self.stored[_key(record)]

    def due_records(self, now: datetime) -> list[ReviewRecord]:
        due = [(timer_instant(r.notice_on), key, r) for key, r in self.stored.items()
               if r.notice_on is not None and _fired(timer_instant(r.notice_on), now)]
        return [record for _, _, record in sorted(due, key=lambda found: found[:2])]

    def mark_notice_sent(self, record: ReviewRecord, sent_on: date | None, notice_on: date | None,
                         notes: Sequence[Notification], now: datetime) -> bool:
        stored = self.stored.get(_key(record))
        if stored is None or (stored.version, stored.notice_on) != (record.version,
                                                                    record.notice_on):
            return False
        for note in notes:
            self.outbox.setdefault(note.id, note)
        self.stored[_key(record)] = replace(
            stored, last_sent_on=sent_on or stored.last_sent_on, notice_on=notice_on,
            version=stored.version + 1)
        return True

    def open_deadlines(self, worker_id: str) -> list[Deadline]:
        found = [Deadline(r.case_id, r.review.id, r.review.kind, r.review.due, self.stamped[key])
                 for key, r in self.stored.items() if worker_id in r.owners]
        return sorted(found, key=lambda d: (d.due, d.case_id, d.review_id))

    def held_meetings(self, case_id: str, now: datetime) -> list[date]:
        return held_dates((m for cid, m in self.meetings if cid == case_id), now)

    def due_jobs(self, now: datetime) -> list[RecomputeJob]:
        return [job for _, (job, at) in sorted(self.jobs.items()) if _fired(at, now)]

    def advance_job(self, job: RecomputeJob, after: str, now: datetime) -> RecomputeJob | None:
        if not self._unchanged(job):
            return None
        moved = replace(job, after=after)
        self.jobs[job.service] = (moved, now)
        return moved

    def finish_job(self, job: RecomputeJob) -> bool:
        if not self._unchanged(job):
            return False
        del self.jobs[job.service]
        return True

    def _unchanged(self, job: RecomputeJob) -> bool:
        return job.service in self.jobs and self.jobs[job.service][0] == job


def _key(record: ReviewRecord) -> tuple[str, str]:
    return record.case_id, record.review.id


def _fired(at: datetime, now: datetime) -> bool:
    # As the Dynamo store's Query of today's and yesterday's shards (UTC) sees them.
    at, now = at.astimezone(UTC), now.astimezone(UTC)
    return at <= now and at.date() >= now.date() - timedelta(days=1)
