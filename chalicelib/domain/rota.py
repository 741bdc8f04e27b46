"""The whole on-call rota as one value: rotations, overrides, the policy, on-call phones
and the shift swaps asked for.

It is stored as one document so that "who is on call now, and what is their number?"
costs one read (the phone system asks it on every call). Phones and e-mails are copied
in when a rotation or override naming the worker is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from chalicelib.domain.errors import NotFound
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import (MAX_SHIFT_HOURS, Override, Rotation, coverage, gaps,
                                      on_call_at, shifts_of, target_resolver)
from chalicelib.domain.swaps import SWAP_RETENTION, Swap

# Used until a coordinator PUTs a policy: primary, then secondary, twice over.
DEFAULT_POLICY = Policy((Step("primary", 600), Step("secondary", 600)), repeat=1)
# Overrides that ended this long ago no longer matter for paging or gap alerts.
OVERRIDE_RETENTION = timedelta(days=90)


def _override_order(override: Override):
    return override.start, override.end, override.worker, override.level


def _without_span(overrides, worker: str, span: Override) -> tuple[Override, ...]:
    """``overrides`` with ``worker``'s at ``span.level`` cut around ``span``."""
    kept = []
    for o in overrides:
        if o.worker != worker or o.level != span.level or o.end <= span.start \
                or o.start >= span.end:
            kept.append(o)
            continue
        if o.start < span.start:
            kept.append(replace(o, end=span.start))
        if o.end > span.end:
            kept.append(replace(o, start=span.end))
    return tuple(kept)


@dataclass(frozen=True)
class Reach:
    """How an on-call worker is paged."""

    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Rota:
    """Rotations, overrides, the escalation policy and the on-call workers' contacts.

    ``version`` is the stored version the next save is conditioned on (0: never saved).
    """

    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
    policy: Policy | None = None
    contacts: dict[str, Reach] = field(default_factory=dict)
    version: int = 0
    swaps: tuple[Swap, ...] = ()

    @property
    def policy_in_force(self) -> Policy:
        return self.policy or DEFAULT_POLICY

    def on_call(self, at: datetime) -> dict[str, str | None]:
        """``{level: worker id or None}`` at ``at``."""
        return on_call_at(self.rotations, self.overrides, at)

    def gaps(self, start: datetime, end: datetime):
        return gaps(self.rotations, self.overrides, start, end)

    def coverage(self, level: str, start: datetime, end: datetime):
        return coverage(self.rotations, self.overrides, level, start, end)

    def resolver(self):
        """``who_is_on_call(target, at)`` for the escalation machine."""
        return target_resolver(self.rotations, self.overrides)

    def whole_shifts_of(self, worker_id: str, start: datetime, end: datetime):
        """The worker's shifts overlapping [start, end), whole (not cut at the edges), as a
        swap request names them. Covers longer than a week are cut a week outside."""
        margin = timedelta(hours=MAX_SHIFT_HOURS)
        return [s for s in shifts_of(worker_id, self.rotations, self.overrides,
                                     start - margin, end + margin)
                if s.end > start and s.start < end]

    def swap(self, swap_id: str) -> Swap:
        """The swap request ``swap_id``; NotFound if there is none."""
        found = next((s for s in self.swaps if s.id == swap_id), None)
        if found is None:
            raise NotFound("no such swap request", code="unknown_swap")
        return found

    def with_swap(self, swap: Swap, now: datetime) -> Rota:
        """The rota with ``swap`` added (or replacing its older self); old ones dropped."""
        kept = tuple(s for s in self.swaps
                     if s.id != swap.id and s.end > now - SWAP_RETENTION)
        return replace(self, swaps=tuple(sorted((*kept, swap), key=lambda s: (s.start, s.id))))

    def with_swap_accepted(self, accepted: Swap, contacts: dict[str, Reach],
                           now: datetime) -> Rota:
        """The rota with ``accepted`` recorded and its override in force, in one value.

        A cover of the asking worker's own over that shift is cut out of it first: else
        two overrides would hold the same span, and the tie would not go to the taker.
        """
        taken = accepted.covering_override()
        kept = _without_span(self.overrides, accepted.requester, taken)
        return replace(self, overrides=kept).with_swap(accepted, now).with_override(
            taken, contacts, now)

    def reach(self, worker_id: str) -> Reach:
        return self.contacts.get(worker_id, Reach(None, None))

    def with_rotation(self, rotation: Rotation, contacts: dict[str, Reach]) -> Rota:
        """The rota with ``rotation`` added, or replacing the one with the same id."""
        kept = tuple(r for r in self.rotations if r.id != rotation.id)
        return replace(self, rotations=tuple(sorted((*kept, rotation), key=lambda r: r.id)),
                       contacts={**self.contacts, **contacts})

    def with_override(self, override: Override, contacts: dict[str, Reach],
                      now: datetime) -> Rota:
        """The rota with ``override`` added and overrides long past dropped."""
        kept = tuple(o for o in self.overrides if o.end > now - OVERRIDE_RETENTION)
        overrides = tuple(sorted({*kept, override}, key=_override_order))
        return replace(self, overrides=overrides, contacts={**self.contacts, **contacts})

    def rotation(self, rotation_id: str) -> Rotation:
        """The rotation called ``rotation_id``; NotFound if there is none."""
        found = next((r for r in self.rotations if r.id == rotation_id), None)
        if found is None:
            raise NotFound(f"no rotation {rotation_id!r}", code="unknown_rotation")
        return found

    def override(self, key: str) -> Override:
        """The override whose ``key`` is ``key``; NotFound if there is none."""
        found = next((o for o in self.overrides if o.key == key), None)
        if found is None:
            raise NotFound("no such override", code="unknown_override")
        return found

    def with_rotation_ended(self, rotation_id: str, at: datetime) -> Rota:
        """The rota with the rotation stopping at ``at`` (see ``Rotation.ended_at``)."""
        return self.with_rotation(self.rotation(rotation_id).ended_at(at), {})

    def with_override_ended(self, key: str, at: datetime) -> Rota:
        """The rota with the override cut short at ``at``; one not begun by then is removed."""
        override = self.override(key)
        kept = tuple(o for o in self.overrides if o is not override)
        if at <= override.start:
            return replace(self, overrides=kept)
        ended = replace(override, end=min(override.end, at))
        return replace(self, overrides=tuple(sorted({*kept, ended}, key=_override_order)))

    def with_override_replaced(self, key: str, override: Override, contacts: dict[str, Reach],
                               now: datetime) -> Rota:
        """The rota with the override ``key`` changed into ``override`` (an edit)."""
        old = self.override(key)
        rest = replace(self, overrides=tuple(o for o in self.overrides if o is not old))
        return rest.with_override(override, contacts, now)

    def with_policy(self, policy: Policy) -> Rota:
        return replace(self, policy=policy)

    def earliest_start(self) -> datetime | None:
        """When the first rotation or override began (gap alerts are keyed from there)."""
        starts = [r.start for r in self.rotations] + [o.start for o in self.overrides]
        return min(starts, default=None)


def shift_workers_changed(before: Rota, after: Rota) -> set[str]:
    """The workers whose on-call shifts may differ between two rotas (their feeds change):
    everyone in a rotation or override that was added, removed or changed, and for an
    override everyone rotating at its level (the one it stands in for loses that time).

    >>> from datetime import UTC
    >>> t = datetime(2026, 5, 4, 8, tzinfo=UTC)
    >>> old = Rota(rotations=(Rotation("r", "primary", ("w1", "w2"), t, 168),))
    >>> sorted(shift_workers_changed(old, old.with_policy(DEFAULT_POLICY)))
    []
    >>> sorted(shift_workers_changed(old, old.with_override(
    ...     Override("w3", "primary", t, t + timedelta(hours=8)), {}, t)))
    ['w1', 'w2', 'w3']
    """
    rotations = set(before.rotations) ^ set(after.rotations)
    overrides = set(before.overrides) ^ set(after.overrides)
    levels = {o.level for o in overrides}
    rotating = {w for r in (*before.rotations, *after.rotations) if r.level in levels
                for w in r.workers}
    return {w for r in rotations for w in r.workers} | {o.worker for o in overrides} | rotating
