"""Scheduled jobs go on past a record that fails: it is skipped and reported (a log line
with its id, a ``JobRecordsFailed`` metric), and the records after it are still done.

A database that is busy or unreachable is not a bad record: the job stops and its next
run (a minute or a night later) starts over, instead of logging every record as failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from chalicelib.notify import metrics
from chalicelib.faults import retry_reason

log = logging.getLogger("tapaamo.jobs")
Record = TypeVar("Record")
Result = TypeVar("Result")
FAILED_METRIC = "JobRecordsFailed"


def each_record(job: str, records: Iterable[Record], work: Callable[[Record], Result],
                id_of: Callable[[Record], str], now: datetime,
                emit: Callable = metrics.emit) -> list[Result]:
    """``work(record)`` for every record; the results of those that did not fail.

    Args:
        job: the job's name, in the log line and as the metric's ``Job`` dimension.
        records: what the job works through (read lazily: a failing read of one record
            inside ``work`` is that record's failure).
        work: one record's work.
        id_of: the record's id for the log (ids only: never names, phones or texts).
        now: the job's clock, for the metric's timestamp.
        emit: where the metric goes (stdout as EMF in Lambda).

    Raises:
        Whatever ``work`` raised when it means the database is busy or unreachable.
    """
    done = []
    for record in records:
        try:
            done.append(work(record))
        except Exception as error:  # noqa: BLE001 - one bad record must not stop the job
            if retry_reason(error):
                raise
            # The type only: an exception's message may quote the record's data.
            log.error("%s: record %s skipped (%s)", job, id_of(record), type(error).__name__)
            emit(FAILED_METRIC, 1, now, Job=job)
    return done
