"""A service's review rules and the recompute of its cases that an edit queues.

Items (one table, see ``table.py``):

* rules ``pk=RULES#<service>`` ``sk=RULES``: the rules' JSON forms (absent: the defaults).
* job   ``pk=RULES#<service>`` ``sk=JOB``: the recompute, written in the same transaction
  as the rules, so an edit is never stored without it. Its timer is on the ``due`` index
  (``due_shard=review-job``); the minute review sweep picks it up
  (``api/review_jobs.py``), recomputes a page of cases, and moves ``after_case`` on.
  ``version`` counts the edits: an edit while a job runs starts it over with the new
  rules, and the sweep's page writes are fenced by it. A job left behind by a failing
  sweep is harmless: the nightly recompute covers every case anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.domain.review_rules import Rule, rule_from_dict, rule_to_dict
from chalicelib.domain.review_state import RecomputeJob
from chalicelib.store import outbox
from chalicelib.store.table import DueIndex, TableModel
from chalicelib.store.tx import Transaction, committed

JOB_KIND = "review-job"


class RulesItem(TableModel):
    rules = ListAttribute(of=MapAttribute)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class JobItem(TableModel):
    service = UnicodeAttribute()
    version = NumberAttribute(default=0)
    after_case = UnicodeAttribute(null=True)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    due_index = DueIndex()


def rules_key(service: str) -> tuple[str, str]:
    return f"RULES#{service}", "RULES"


def job_key(service: str) -> tuple[str, str]:
    return f"RULES#{service}", "JOB"


def enqueue_job(tx: Transaction, service: str, now: datetime) -> None:
    """Add to ``tx``: (re)start the service's job from its first case, due at ``now``."""
    timer = outbox.due_fields(JOB_KIND, now)
    tx.update(*job_key(service),
              "SET #service = :service, #version = if_not_exists(#version, :zero) + :one, "
              "due_shard = :shard, due_at = :at REMOVE after_case", label="job",
              names={"#service": "service", "#version": "version"},
              values={":service": service, ":zero": 0, ":one": 1,
                      ":shard": timer["due_shard"], ":at": timer["due_at"]})


class DynamoReviewRules:
    """The rules and jobs half of the reviews repository (``DynamoReviews`` inherits it)."""

    def get_rules(self, service: str) -> tuple[Rule, ...] | None:
        try:
            item = RulesItem.get(*rules_key(service), consistent_read=True)
        except RulesItem.DoesNotExist:
            return None
        return tuple(rule_from_dict(_plain(rule)) for rule in item.rules)

    def put_rules(self, service: str, rules: Sequence[Rule], at: datetime, by: str) -> None:
        """Store the rules and, in the same transaction, queue the recompute of the cases."""
        tx = Transaction()
        tx.put(RulesItem(*rules_key(service), rules=[MapAttribute(**rule_to_dict(r))
                                                     for r in rules],
                         updated_at=at, updated_by=by), label="rules")
        enqueue_job(tx, service, at)
        tx.commit()

    def due_jobs(self, now: datetime) -> list[RecomputeJob]:
        """Jobs whose timer has fired (the ``due`` index, one Query)."""
        found = JobItem.due_index.query(JOB_KIND, JobItem.due_at <= now.astimezone(UTC).isoformat())
        return sorted((RecomputeJob(i.service, int(i.version), i.after_case) for i in found),
                      key=lambda job: job.service)

    def advance_job(self, job: RecomputeJob, after: str, now: datetime) -> RecomputeJob | None:
        """Record that the cases up to ``after`` are done; the timer stays due at ``now``.

        Returns:
            The job moved on, or None when another sweep moved it first or the rules
            were edited meanwhile (the job then starts over).
        """
        timer = outbox.due_fields(JOB_KIND, now)
        tx = Transaction()
        tx.update(*job_key(job.service), "SET after_case = :after, due_shard = :shard, "
                  "due_at = :at", label="job", condition=_unchanged(job),
                  names={"#version": "version"},
                  values={":after": after, ":shard": timer["due_shard"], ":at": timer["due_at"],
                          **_seen(job)})
        return RecomputeJob(job.service, job.version, after) if committed(tx) else None

    def finish_job(self, job: RecomputeJob) -> bool:
        """Delete the finished job, unless the rules were edited (or it moved) meanwhile."""
        tx = Transaction()
        tx.delete(*job_key(job.service), label="job", condition=_unchanged(job),
                  names={"#version": "version"}, values=_seen(job))
        return committed(tx)


def _plain(value) -> dict:
    # A raw MapAttribute in a list reads back as a dict whose numbers may be floats.
    data = value.as_dict() if isinstance(value, MapAttribute) else dict(value)
    return {k: [_whole(v) for v in item] if isinstance(item, list) else _whole(item)
            for k, item in data.items()}


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _unchanged(job: RecomputeJob) -> str:
    if job.after is None:
        return "#version = :v AND attribute_not_exists(after_case)"
    return "#version = :v AND after_case = :seen"


def _seen(job: RecomputeJob) -> dict:
    return {":v": job.version, **({} if job.after is None else {":seen": job.after})}
