"""Meetings waiting for their outcome: a worker's list (the console's ``/staff/outcomes``)
and the morning digest to each worker who has some left from before today.

The digest is one message per worker per day: its outbox id comes from the worker and the
day, and the outbox write is conditional, so a second run (or two at once) queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from chalicelib.domain.directory import Worker
from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.notification import Notification
from chalicelib.domain.outcome_digest import WINDOW, awaiting_outcome, digest_cutoff, digest_params
from chalicelib.domain.workdays import local
from chalicelib.jobs import each_record
from chalicelib.store import outbox
from chalicelib.store.tx import Transaction, committed

log = logging.getLogger("tapaamo.outcomes")
KIND = "outcome-digest"
WORKER_PAGE = 100
PAGE_PATH = "/staff/outcomes"


def awaiting(agenda, worker_id: str, until: datetime) -> list[AgendaEntry]:
    """The worker's booked meetings that ended by ``until`` (within 30 days) and have no
    outcome yet: one Query of the worker's agenda."""
    return awaiting_outcome(agenda.worker_agenda(worker_id, until - WINDOW, until).entries,
                            until)


def send_digests(directory, agenda, now: datetime, public_url: str) -> int:
    """Queue today's digest for every worker with meetings unrecorded since before the end
    of the previous working day. Nothing before 07:00 or on a day off. Returns how many
    were queued by this run (0 when an earlier run of the day queued them)."""
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return 0
    day = local(now).date().isoformat()

    def send(worker: Worker) -> bool:
        note = digest_note(worker, awaiting(agenda, worker.id, cutoff), day, public_url)
        if note is None:
            return False
        tx = Transaction()
        outbox.enqueue(tx, note, now)
        return committed(tx)  # False: queued already today

    sent = each_record("outcome-digest", _workers(directory), send, lambda w: w.id, now)
    log.info("outcome digest: %d queued", sum(sent))
    return sum(sent)


def digest_note(worker: Worker, entries: list[AgendaEntry], day: str,
                public_url: str) -> Notification | None:
    """The worker's digest of ``entries``: e-mail, or SMS without an address (none when
    there is nothing to record or nowhere to send it)."""
    if not entries or not (worker.email or worker.phone):
        return None
    channel, recipient = ("email", worker.email) if worker.email else ("sms", worker.phone)
    return Notification(KIND, channel, recipient, f"{KIND}:{worker.id}:{day}",
                        language=worker.language,
                        params={**digest_params(entries), "link": public_url + PAGE_PATH})


def _workers(directory) -> Iterator[Worker]:
    cursor = None
    while True:
        page = directory.list_workers(cursor, WORKER_PAGE)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor
