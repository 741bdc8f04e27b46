"""Calendar feed use cases: mint a worker's feed token, render a worker's feed, a
family's feed and one appointment as ``.ics``.

A feed token is ``<worker id>.<secret>`` (192 random bits); only its sha256 is stored,
in the worker's own agenda partition, so one Query returns the hash and the appointments
and the hash is checked (in constant time) before anything else is used.

A worker feed's ETag is made from the feed's version (raised by every write the feed
shows, in that write's transaction) and the Helsinki day, so a poll where nothing changed
reads only the feed record (:func:`worker_feed_tag`); a family's calendar likewise has a
version, read with its booking link (:func:`family_feed_tag`). It is a weak ETag: within a day the
bytes of one version may still differ a little (an event leaving the window, a renamed
office), which a calendar client learns with the next change or the next day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from chalicelib import tokens
from chalicelib.domain import feeds
from chalicelib.domain.access import Actor, require_self_or_coordinator
from chalicelib.domain.directory import Case, Office
from chalicelib.domain.errors import Gone, NotFound
from chalicelib.domain.review_state import Deadline
from chalicelib.domain.workdays import local
from chalicelib.ical import FeedEvent, render_calendar
from chalicelib.services.booking import open_appointment
from chalicelib.services.links import open_link
from chalicelib.services.offices import OfficeNames
from chalicelib.services.seats import seated_sessions
from chalicelib.store.appointments import case_appointments
from chalicelib.store.shared import Shared, SharedItems
from chalicelib.store.tx import family_feed_key
from chalicelib.tokens import token_hash

CALENDAR_NAME = "Tapaamo"
EVENTS_KEPT = 40_000  # two feeds of the largest size benchmarked (bench/feeds.py)
SECRET_BYTES = 24
_TOKEN = re.compile(r"(?P<owner>[a-z0-9][a-z0-9-]{0,39})\.(?P<secret>[A-Za-z0-9_-]{22,64})")


@dataclass(frozen=True)
class EventSource:
    """Another part of the system adding events to a worker's feed (on-call shifts).

    ``item`` is the one shared item it needs (read with the feed's others in one round
    trip); ``events(worker_id, now, value)`` gives its FeedEvents from that item's value.
    Plug one in in bootstrap. Review deadlines are not a source: they live in the agenda
    partition and come with its one Query.
    """

    item: Shared
    events: Callable[[str, datetime, Any], Iterable[FeedEvent]]


@dataclass(frozen=True)
class Feed:
    """A rendered feed and its ETag."""

    ics: bytes
    tag: str


def owner_of(token: str) -> str:
    """The worker or case id a well-formed token names; NotFound for anything else."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise NotFound("not found")
    return match["owner"]


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url}/feeds/{token}.ics"


def issue_feed_token(agenda, directory, actor: Actor, worker_id: str, public_url: str,
                     now: datetime) -> str:
    """Mint a worker's feed URL; the previous URL stops working (410: replaced).

    Raises:
        Forbidden: A worker asks for someone else's feed.
        NotFound: No such worker.
    """
    require_self_or_coordinator(actor, worker_id)
    if worker_id not in directory.get_workers([worker_id]):
        raise NotFound("no such worker")
    token = f"{worker_id}.{tokens.draw(SECRET_BYTES)}"
    agenda.put_feed_token(worker_id, token_hash(token), now)
    return feed_url(public_url, token)


def keep_feed_token(agenda, worker_id: str, token: str, public_url: str,
                    now: datetime) -> str | None:
    """The feed URL of a token the caller keeps (the local demo's): stored (its hash) if
    the worker has no feed token yet; None if the worker's token is another one."""
    current = agenda.worker_agenda(worker_id, now).token_hash
    if current is None:
        agenda.put_feed_token(worker_id, token_hash(token), now)
    elif not tokens.same(current, token_hash(token)):
        return None
    return feed_url(public_url, token)


def worker_feed_tag(agenda, token: str, now: datetime) -> str:
    """The ETag the worker's feed has now, from the feed record alone (one small read).

    Raises:
        NotFound: The token is unknown or malformed.
        Gone: The token was replaced by a newer one (one of the last few).
    """
    record = agenda.feed_record(owner_of(token))
    _require_token(record, token)
    return feed_tag(record.version, now)


def feed_tag(version: int, now: datetime, language: str | None = None) -> str:
    """A weak ETag from the feed's version and the Helsinki day (the window moves daily),
    and for a family's calendar its language (the texts are in it).

    >>> from datetime import UTC
    >>> feed_tag(7, datetime(2026, 5, 4, 22, 30, tzinfo=UTC))
    'W/"7-20260505"'
    """
    return f'W/"{version}-{f"{language}-" if language else ""}{local(now):%Y%m%d}"'


def _require_token(record, token: str) -> None:
    presented = token_hash(token)
    if record.token_hash is None or not tokens.same(record.token_hash, presented):
        if any(tokens.same(old, presented) for old in record.replaced):
            raise Gone("this calendar address was replaced by a new one", code="feed_replaced")
        raise NotFound("not found")


def worker_feed(agenda, shared: SharedItems, offices: OfficeNames,
                sources: Iterable[EventSource], token: str, now: datetime) -> Feed:
    """The worker's feed and its ETag: appointments (30 days back, 400 ahead; cancelled
    ones for 30 days), open review deadlines (read with the appointments), office names
    and each source's events.

    Two round trips at most (while the agenda stays under 1 MB): the agenda Query, then
    one read of the shared items (office names, the sources' items) that ``shared``
    holds no young enough copy of.

    Raises:
        NotFound: The token is unknown or malformed.
        Gone: The token was replaced by a newer one (one of the last few).
    """
    worker_id = owner_of(token)
    read = agenda.worker_agenda(worker_id, feeds.window_start(now), feeds.window_end(now),
                                feeds.cancelled_until(now))
    _require_token(read, token)
    entries = [e for e in read.entries if feeds.shown(e, now)]
    wanted = {e.office for e in entries if e.office}
    found = shared.read([*(source.item for source in sources),
                         *([offices.item] if wanted else [])], now)
    names = offices.of(found[offices.item]) if wanted else {}
    if not wanted <= names.keys():  # an office newer than the kept copy of the names
        names = offices.of(shared.read([offices.item], now, again=[offices.item])[offices.item])
    events = [staff_event(e, names.get(e.office)) for e in entries]
    events.extend(deadline_event(d) for d in read.deadlines)
    for source in sources:
        events.extend(source.events(worker_id, now, found[source.item]))
    return Feed(render_calendar(CALENDAR_NAME, events), feed_tag(read.version, now))


def family_feed_tag(token: str, now: datetime) -> str:
    """The ETag the family's calendar has now: the link, the case and the calendar's
    version in one BatchGetItem.

    Raises:
        NotFound: unknown link (404). Gone: the link expired or was revoked (410).
    """
    return _open_family_feed(token, now)[1]


def family_feed(directory, token: str, now: datetime) -> Feed:
    """The family's own appointments and its groups' sessions in their language, with the
    office's address, and the calendar's ETag (its version read before them).

    Raises:
        NotFound: unknown link (404). Gone: the link expired or was revoked (410).
    """
    case, tag = _open_family_feed(token, now)
    listed = [*case_appointments(case.id, feeds.window_start(now)),
              *seated_sessions(case, now)]
    entries = [e for e in map(feeds.entry_of, listed) if feeds.shown(e, now)]
    return Feed(_family_calendar(directory, case, entries), tag)


def _open_family_feed(token: str, now: datetime) -> tuple[Case, str]:
    version_key = family_feed_key(owner_of(token))
    case, items = open_link(token, now, [version_key])
    version = int((items.get(version_key) or {}).get("version") or 0)
    return case, feed_tag(version, now, case.contact.language)


def family_appointment(directory, token: str, appointment_id: str, now: datetime) -> bytes:
    """One of the family's appointments as a calendar file ("add to calendar").

    Raises:
        NotFound: unknown link, or another case's appointment (404). Gone: link gone (410).
    """
    case, _, appointment = open_appointment(token, appointment_id, now)
    return _family_calendar(directory, case, [feeds.entry_of(appointment)])


# Kept per container: an entry holds its appointment's version (sequence, updated_at), so
# a kept event is never stale, and a large feed drawn again reuses its events and, through
# them, their VEVENT text (ical.py keeps that per event).
@lru_cache(maxsize=EVENTS_KEPT)
def staff_event(entry: feeds.AgendaEntry, office_name: str | None) -> FeedEvent:
    """A worker's event: case code, kind and place; details only behind staff sign-in.

    No URL: an event's link must open a page, and the staff API's are JSON behind a
    bearer token that a calendar app cannot send.
    """
    place = feeds.place_label(entry.location, office_name, "fi")
    return _event(entry, feeds.staff_summary(entry, place), place, None, None)


def deadline_event(deadline: Deadline) -> FeedEvent:
    """An open review deadline (määräpäivä): all day, never blocking time (transparent).

    The UID comes from the case and the review, so a moved deadline updates its event.
    No URL, as for :func:`staff_event`.
    """
    return FeedEvent(
        uid=f"review-{deadline.case_id}-{deadline.review_id}@tapaamo",
        summary=feeds.deadline_summary(deadline.case_id, deadline.kind),
        start=deadline.due, end=deadline.due + timedelta(days=1),
        created=deadline.updated_at, last_modified=deadline.updated_at, transparent=True)


def family_event(entry: feeds.AgendaEntry, office: Office | None, language: str) -> FeedEvent:
    """A family's event: the kind of meeting and where, in their language."""
    place = feeds.place_label(entry.location, office.name if office else None, language)
    location = f"{place}, {office.address}" if office else place
    return _event(entry, feeds.family_summary(entry, language), location,
                  feeds.FAMILY_NOTE[feeds.language_of(language)], None)


def _event(entry, summary, location, description, url) -> FeedEvent:
    return FeedEvent(
        uid=f"appt-{entry.id}@tapaamo", summary=summary, start=entry.start, end=entry.end,
        created=entry.created_at, last_modified=entry.updated_at, sequence=entry.sequence,
        status="CANCELLED" if entry.cancelled else "CONFIRMED", location=location,
        description=description, url=url,
    )


def _family_calendar(directory, case: Case, entries) -> bytes:
    office_ids = {e.office for e in entries if e.office}
    offices = directory.get_offices(office_ids) if office_ids else {}
    language = case.contact.language
    return render_calendar(CALENDAR_NAME, [
        family_event(e, offices.get(e.office), language) for e in entries])
