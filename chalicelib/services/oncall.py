"""On-call rota use cases: rotations, overrides, the policy, who is on call, gap alerts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.access import Actor, require_coordinator
from chalicelib.domain.errors import Conflict, Rejected, Unavailable
from chalicelib.domain.escalation import Policy
from chalicelib.domain.notification import Notification
from chalicelib.domain.oncall import LEVELS, Gap, Override, Rotation, feed_shifts
from chalicelib.domain.paging import Page, page_of
from chalicelib.domain.rota import Reach, Rota
from chalicelib.domain.workdays import HELSINKI
from chalicelib.store.oncall import ROTA_KEY, rota_from_raw
from chalicelib.store.outbox import enqueue
from chalicelib.store.retry import AGAIN, retrying
from chalicelib.store.shared import Shared
from chalicelib.store.tx import Transaction, TransactionCancelled

log = logging.getLogger("tapaamo.oncall")

GAP_ALERT_DAYS = 14
MAX_GAP_QUERY = timedelta(days=92)
# Gaps are traced back to here (or the rota's first start, if earlier), so one that
# began before the window keeps a fixed start, and so a fixed key: it is reported once.
ROTA_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
ATTEMPTS = 3


@dataclass(frozen=True)
class OnCall:
    """Who holds a level now, and the number the phone system forwards to."""

    level: str
    worker: str
    phone: str | None


def _contacts_of(directory, worker_ids) -> dict[str, Reach]:
    known = directory.get_workers(list(worker_ids))
    missing = sorted(set(worker_ids) - set(known))
    if missing:
        raise Rejected(f"unknown worker {missing[0]!r}", code="unknown_worker", field="workers")
    return {w.id: Reach(w.phone, w.email) for w in known.values()}


def change_rota(rota_store, change, notes=()) -> Rota:
    """Read-modify-write the rota document, retrying when another write won the race.

    Args:
        rota_store: the rota's repository.
        change: ``Rota -> Rota``, run again on each retry (it may refuse: DomainError).
        notes: ``(Notification, now)`` pairs queued with the write that wins, never twice.
    """
    def attempt(_):
        try:
            before = rota_store.load()
            return rota_store.save(change(before), before, notes)
        except Conflict as lost:
            if lost.code != "concurrent_update":
                raise  # the change itself refused, e.g. a swap accepted already
            return AGAIN

    return retrying(attempt, ATTEMPTS, Unavailable("the rota is busy; try again"))


def put_rotation(rota_store, directory, actor: Actor, rotation: Rotation,
                 only_new: bool = False) -> Rotation:
    """Add a rotation, or replace the one with the same id; copies the workers' phones.

    Args:
        only_new: refuse (422 ``rotation_exists``) rather than replace one of that id.
    """
    require_coordinator(actor)
    contacts = _contacts_of(directory, rotation.workers)

    def change(rota: Rota) -> Rota:
        if only_new and any(r.id == rotation.id for r in rota.rotations):
            raise Rejected("a rotation with this id exists", code="rotation_exists", field="id")
        return rota.with_rotation(rotation, contacts)

    change_rota(rota_store, change)
    return rotation


def put_override(rota_store, directory, actor: Actor, override: Override,
                 now: datetime) -> Override:
    require_coordinator(actor)
    contacts = _contacts_of(directory, [override.worker])
    change_rota(rota_store, lambda rota: rota.with_override(override, contacts, now))
    return override


def end_rotation(rota_store, actor: Actor, rotation_id: str, at: datetime) -> Rotation:
    """Stop a rotation at ``at``: after it, its level falls to another rotation or a gap."""
    require_coordinator(actor)
    saved = change_rota(rota_store, lambda rota: rota.with_rotation_ended(rotation_id, at))
    return saved.rotation(rotation_id)


def end_override(rota_store, actor: Actor, key: str, at: datetime) -> None:
    """Cut an override short at ``at``; one that has not begun by then is removed."""
    require_coordinator(actor)
    change_rota(rota_store, lambda rota: rota.with_override_ended(key, at))


def replace_override(rota_store, directory, actor: Actor, key: str, override: Override,
                     now: datetime) -> Override:
    """Change the override ``key`` into ``override`` (one write: never both, never none)."""
    require_coordinator(actor)
    contacts = _contacts_of(directory, [override.worker])
    change_rota(rota_store, lambda rota: rota.with_override_replaced(key, override, contacts, now))
    return override


def put_policy(rota_store, directory, actor: Actor, policy: Policy) -> Policy:
    """Set the policy new escalations freeze; ``worker:<id>`` targets must exist."""
    require_coordinator(actor)
    named = {s.notify.removeprefix("worker:") for s in policy.steps
             if s.notify.startswith("worker:")}
    contacts = _contacts_of(directory, named) if named else {}
    change_rota(rota_store, lambda rota: replace(rota.with_policy(policy),
                                             contacts={**rota.contacts, **contacts}))
    return policy


def list_rotations(rota_store, cursor: str | None, size: int) -> Page[Rotation]:
    """A page of the rotations in id order (the rota is one item: one GetItem per page)."""
    return page_of("rotations", rota_store.load().rotations, lambda r: r.id, cursor, size)


def list_overrides(rota_store) -> tuple[Override, ...]:
    """The overrides kept (the last 90 days' and every future one), by start."""
    return rota_store.load().overrides


def policy_in_force(rota_store) -> tuple[Policy, bool]:
    """The policy new escalations freeze, and whether it is the default (none was PUT)."""
    rota = rota_store.load()
    return rota.policy_in_force, rota.policy is None


def on_call_now(rota_store, at: datetime) -> dict[str, OnCall | None]:
    """``{level: OnCall or None}`` at ``at``, from one read of the rota."""
    rota = rota_store.load()
    return {level: OnCall(level, worker, rota.reach(worker).phone) if worker else None
            for level, worker in rota.on_call(at).items()}


def phone_to_forward(rota_store, at: datetime) -> OnCall | None:
    """The primary if someone holds it, else the secondary, else None."""
    holders = on_call_now(rota_store, at)
    return next((holders[level] for level in LEVELS
                 if holders[level] and holders[level].phone), None)


def find_gaps(rota_store, start: datetime, end: datetime) -> list[Gap]:
    if end - start > MAX_GAP_QUERY:
        raise Rejected("ask for at most 92 days at a time", code="range_too_long", field="to")
    return rota_store.load().gaps(start, end)


def alert_gaps(rota_store, coordinator_emails, now: datetime) -> int:
    """Tell coordinators of every gap in the next 14 days, once per gap.

    A gap already under way keeps its real start, which is the deduplication key (the
    outbox refuses a second one), so running this daily reports each gap once.
    """
    if not coordinator_emails:
        log.warning("no coordinator e-mail configured: gap alerts are not sent")
        return 0
    rota = rota_store.load()
    since = min(rota.earliest_start() or ROTA_EPOCH, ROTA_EPOCH)
    upcoming = [g for g in rota.gaps(since, now + timedelta(days=GAP_ALERT_DAYS)) if g.end > now]
    sent = 0
    for gap in upcoming:
        key = f"oncall-gap:{gap.level}:{gap.start.isoformat()}"
        params = {"level": gap.level, "start": gap.start.astimezone(HELSINKI).isoformat(),
                  "end": gap.end.astimezone(HELSINKI).isoformat()}
        for address in coordinator_emails:
            tx = Transaction()
            enqueue(tx, Notification("oncall-gap", "email", address, key, "fi", params), now)
            try:
                tx.commit()
                sent += 1
            except TransactionCancelled:
                pass  # reported on an earlier day
    return sent


SHIFT_TITLES = {"primary": "Päivystys (ensisijainen)", "secondary": "Päivystys (varalla)"}
FEED_PAST, FEED_AHEAD = timedelta(days=30), timedelta(days=120)


def shift_events(max_age: timedelta = timedelta(minutes=1)):
    """A worker-feed source (services.feeds.EventSource): the worker's on-call shifts.

    UIDs come from the worker, level and start, and the shift's start stands in for its
    record times, so the same rota renders the same bytes (whole shifts, never cut at
    "now + horizon": see ``domain.oncall.feed_shifts``). A shift is free time for
    scheduling (TRANSP:TRANSPARENT) and has no URL. The rota is read with the
    feed's other shared items, at most once a minute per container: calendar clients poll
    feeds, and a feed must stay cheap.
    """
    from chalicelib.ical import FeedEvent
    from chalicelib.services.feeds import EventSource

    def events(worker_id: str, now: datetime, rota: Rota):
        shifts = feed_shifts(worker_id, rota.rotations, rota.overrides, now, FEED_PAST,
                             FEED_AHEAD)
        return [FeedEvent(uid=f"oncall-{worker_id}-{s.level}-{s.start:%Y%m%dT%H%M%SZ}"
                              "@tapaamo", summary=SHIFT_TITLES[s.level], start=s.start,
                          end=s.end, created=s.start, last_modified=s.start,
                          transparent=True)
                for s in shifts]

    return EventSource(Shared(ROTA_KEY, rota_from_raw, max_age), events)
