"""Review rules, case reviews, their notice timers and the workers' deadline lists.

Item layout (one table, see ``table.py``):

* rules     ``pk=RULES#<service>``      ``sk=RULES`` and the recompute job an edit queues,
  ``sk=JOB`` (``review_rules.py``)
* review    ``pk=CASE#<case>``          ``sk=REVIEW#<review id>``; while a notice is
  pending ``due_shard=review``/``due_at`` (the ``due`` index); ``version``
  fences the sweeps
* deadline  ``pk=AGENDA#<worker>``  ``sk=~deadline#<due>#<case>#<review id>``: one per
  owner of each open review, in the worker's agenda partition (``agenda.py``): ``~d``
  sorts after every appointment and before the feed token, so the feed's one agenda
  Query returns the worker's appointments, open deadlines and token together
* held meetings are read from the appointments (``gsi1pk=CASE#<case>#APPTS``,
  ``gsi1sk=<start UTC ISO>``) written by booking: those recorded ``outcome=held``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.deadlines import DEFAULT_REMINDER_DAYS
from chalicelib.domain.errors import Conflict
from chalicelib.domain.notification import Notification
from chalicelib.domain.review_state import Deadline, ReviewChanges, ReviewRecord, timer_instant
from chalicelib.domain.reviews import HELD, PastMeeting, ReviewDue, held_dates
from chalicelib.store import outbox
from chalicelib.store.review_rules import DynamoReviewRules
from chalicelib.store.table import DueIndex, TableModel
from chalicelib.store.tx import (
    Transaction,
    TransactionCancelled,
    batch_get,
    client,
    from_dynamo,
    query,
    table_name,
    utc_iso,
)

DUE_KIND = "review"
MAX_OPS = 100  # DynamoDB's limit per transaction


class ReviewItem(TableModel):
    case_id = UnicodeAttribute()
    review_id = UnicodeAttribute()
    rule_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    occurrence = NumberAttribute()
    due = UnicodeAttribute()
    earliest = UnicodeAttribute(null=True)
    completed_on = UnicodeAttribute(null=True)
    reminder_days = ListAttribute(of=NumberAttribute, null=True)  # absent: the defaults
    owners = ListAttribute(of=UnicodeAttribute, default=list)
    last_sent_on = UnicodeAttribute(null=True)
    notice_on = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    due_index = DueIndex()


class DeadlineItem(TableModel):
    case_id = UnicodeAttribute()
    review_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    due = UnicodeAttribute()
    updated_at = UnicodeAttribute()


DEADLINE_PREFIX = "~deadline#"


def review_key(case_id: str, review_id: str) -> tuple[str, str]:
    return f"CASE#{case_id}", f"REVIEW#{review_id}"


def deadline_key(worker_id: str, record: ReviewRecord) -> tuple[str, str]:
    review = record.review
    return (f"AGENDA#{worker_id}",
            f"{DEADLINE_PREFIX}{review.due.isoformat()}#{record.case_id}#{review.id}")


def deadline_from_item(item: dict) -> Deadline:
    """A deadline from a plain agenda item (see :func:`deadline_key`)."""
    return Deadline(item["case_id"], item["review_id"], item["kind"],
                    date.fromisoformat(item["due"]), datetime.fromisoformat(item["updated_at"]))


def outbox_key(note: Notification) -> tuple[str, str]:
    return f"NOTE#{note.id}", "NOTE"


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record_from_item(item: ReviewItem) -> ReviewRecord:
    days = DEFAULT_REMINDER_DAYS if item.reminder_days is None else item.reminder_days
    review = ReviewDue(item.review_id, item.rule_id, item.kind, int(item.occurrence),
                       _day(item.due), _day(item.earliest), _day(item.completed_on),
                       tuple(int(day) for day in days))
    return ReviewRecord(item.case_id, review, tuple(item.owners or ()), _day(item.last_sent_on),
                        _day(item.notice_on), int(item.version or 0))


def record_to_item(record: ReviewRecord) -> ReviewItem:
    review = record.review
    timer = (outbox.due_fields(DUE_KIND, timer_instant(record.notice_on))
             if record.notice_on else {})
    return ReviewItem(
        *review_key(record.case_id, review.id),
        case_id=record.case_id, review_id=review.id, rule_id=review.rule_id, kind=review.kind,
        occurrence=review.occurrence, due=review.due.isoformat(), earliest=_iso(review.earliest),
        completed_on=_iso(review.completed_on), reminder_days=list(review.reminder_days),
        owners=list(record.owners),
        last_sent_on=_iso(record.last_sent_on), notice_on=_iso(record.notice_on),
        version=record.version, **timer,
    )


class DynamoReviews(DynamoReviewRules):
    """The reviews repository on DynamoDB (rules and recompute jobs: ``review_rules.py``)."""

    def records(self, case_id: str) -> dict[str, ReviewRecord]:
        """Every stored review of the case, by review id (one strongly consistent Query)."""
        pk = review_key(case_id, "")[0]
        items = ReviewItem.query(pk, ReviewItem.sk.startswith("REVIEW#"), consistent_read=True)
        return {record.review.id: record for record in map(record_from_item, items)}

    def apply(self, changes: ReviewChanges, existing: Mapping[str, ReviewRecord],
              now: datetime) -> None:
        """Write ``changes`` with their deadline items, each record fenced by its version.

        ``now`` stamps the deadline items (their feed events' DTSTAMP).

        Raises:
            Conflict: ``concurrent_update`` when a record changed since it was read.
        """
        groups = [self._put_ops(r, existing.get(r.review.id), now) for r in changes.puts]
        groups += [self._delete_ops(r) for r in changes.deletes]
        for tx in _batched(groups):
            try:
                tx.commit()
            except TransactionCancelled as error:
                raise Conflict("the reviews changed meanwhile; try again",
                               code="concurrent_update") from error

    def due_records(self, now: datetime) -> list[ReviewRecord]:
        """Records whose notice timer has fired (the ``due`` index, one Query)."""
        found = ReviewItem.due_index.query(DUE_KIND,
                                          ReviewItem.due_at <= now.astimezone(UTC).isoformat())
        return [record_from_item(item) for item in found]

    def mark_notice_sent(self, record: ReviewRecord, sent_on: date | None, notice_on: date | None,
                         notes: Sequence[Notification], now: datetime) -> bool:
        """Claim ``record``'s notice and queue ``notes`` in one transaction.

        ``sent_on`` is the date of the notice sent (None: nothing to send, only the timer
        moves on to ``notice_on``; None there stops it).

        The claim holds only while the record still has the version and timer it was read
        with (fencing), so of two sweeps that read the same record one wins and the other
        does nothing. A note already queued (same dedupe key) is not queued again.

        Returns:
            False when another sweep or a recompute got there first.
        """
        pending = list(notes)
        for _ in range(3):
            tx = Transaction()
            self._claim(tx, record, sent_on, notice_on)
            for note in pending:
                outbox.enqueue(tx, note, now)
            try:
                tx.commit()
                return True
            except TransactionCancelled as error:
                if "claim" in error.failed:
                    return False
                # Some notes were queued before (a claim lost after its notes went out):
                # keep the others and try again.
                queued = batch_get([outbox_key(note) for note in pending])
                pending = [note for note in pending if outbox_key(note) not in queued]
        return False

    def open_deadlines(self, worker_id: str) -> list[Deadline]:
        """The worker's open review deadlines, earliest first (one Query).

        Feeds get them with the worker's agenda instead (``DynamoAgenda.worker_agenda``).
        """
        items = query(KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
                      ExpressionAttributeValues={":pk": {"S": f"AGENDA#{worker_id}"},
                                                 ":prefix": {"S": DEADLINE_PREFIX}})
        return [deadline_from_item(i) for i in items]

    def held_meetings(self, case_id: str, now: datetime) -> list[date]:
        """Helsinki dates of the case's appointments begun before ``now`` and recorded held
        (:func:`chalicelib.domain.reviews.held_dates`); one paged Query of the case's list."""
        params = {
            "TableName": table_name(), "IndexName": "by_parent",
            "KeyConditionExpression": "gsi1pk = :case AND gsi1sk < :now",
            # Only the few held ones travel; the domain rule below still decides.
            "FilterExpression": "#status = :booked AND outcome = :held",
            "ProjectionExpression": "gsi1sk, #status, outcome",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":case": {"S": f"CASE#{case_id}#APPTS"},
                ":now": {"S": utc_iso(now)},
                ":booked": {"S": "booked"},
                ":held": {"S": HELD},
            },
        }
        meetings = []
        for page in client().get_paginator("query").paginate(**params):
            for raw in page.get("Items", []):
                item = from_dynamo(raw)
                meetings.append(PastMeeting(datetime.fromisoformat(item["gsi1sk"]),
                                            item["status"], item.get("outcome")))
        return held_dates(meetings, now)

    @staticmethod
    def _put_ops(record: ReviewRecord, old: ReviewRecord | None, now: datetime
                 ) -> Transaction:
        tx = Transaction()
        item = record_to_item(record)
        item.version = record.version + 1
        if old is None:
            tx.put(item, label="review", condition="attribute_not_exists(pk)")
        else:
            tx.put(item, label="review", condition="version = :v",
                   values={":v": old.version})
        new_keys = {deadline_key(w, record) for w in record.owners}
        old_keys = {deadline_key(w, old) for w in old.owners} if old else set()
        for pk, sk in sorted(old_keys - new_keys):
            tx.delete(pk, sk, label="deadline")
        for pk, sk in sorted(new_keys):
            review = record.review
            tx.put(DeadlineItem(pk, sk, case_id=record.case_id, review_id=review.id,
                                kind=review.kind, due=review.due.isoformat(),
                                updated_at=utc_iso(now)), label="deadline")
        return tx

    @staticmethod
    def _delete_ops(record: ReviewRecord) -> Transaction:
        tx = Transaction()
        tx.delete(*review_key(record.case_id, record.review.id), label="review",
                  condition="version = :v", values={":v": record.version})
        for worker in record.owners:
            tx.delete(*deadline_key(worker, record), label="deadline")
        return tx

    @staticmethod
    def _claim(tx: Transaction, record: ReviewRecord, sent_on: date | None,
               notice_on: date | None) -> None:
        values = {":v": record.version, ":next": record.version + 1,
                  ":seen": _iso(record.notice_on)}
        sets = ["version = :next"]
        if sent_on is not None:
            sets.append("last_sent_on = :sent")
            values[":sent"] = sent_on.isoformat()
        if notice_on is None:
            expression = f"SET {', '.join(sets)} REMOVE notice_on, due_shard, due_at"
        else:
            timer = outbox.due_fields(DUE_KIND, timer_instant(notice_on))
            sets += ["notice_on = :on", "due_shard = :shard", "due_at = :at"]
            values.update({":on": notice_on.isoformat(), ":shard": timer["due_shard"],
                           ":at": timer["due_at"]})
            expression = f"SET {', '.join(sets)}"
        tx.update(*review_key(record.case_id, record.review.id), expression, label="claim",
                  condition="version = :v AND notice_on = :seen", values=values)


def _batched(groups: list[Transaction]) -> list[Transaction]:
    # One record's operations stay together; a case with many rules spans transactions
    # (counting the feed-version bump each commit adds per worker, see tx.py).
    batches: list[Transaction] = []
    for group in groups:
        if not batches or (len(batches[-1].ops) + len(group.ops)
                           + len(batches[-1].feeds | group.feeds)) > MAX_OPS:
            batches.append(Transaction())
        batches[-1].ops += group.ops
        batches[-1].labels += group.labels
        batches[-1].feeds |= group.feeds
    return batches
