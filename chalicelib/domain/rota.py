"""The whole on-call rota as one value: rotations, overrides, the policy, on-call phones.

It is stored as one document so that "who is on call now, and what is their number?"
costs one read (the phone system asks it on every call). Phones and e-mails are copied
in when a rotation or override naming the worker is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import (Override, Rotation, coverage, gaps, on_call_at,
                                      target_resolver)

# Used until a coordinator PUTs a policy: primary, then secondary, twice over.
DEFAULT_POLICY = Policy((Step("primary", 600), Step("secondary", 600)), repeat=1)
# Overrides that ended this long ago no longer matter for paging or gap alerts.
OVERRIDE_RETENTION = timedelta(days=90)


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
        overrides = tuple(sorted({*kept, override}, key=lambda o: (o.start, o.end, o.worker,
                                                                    o.level)))
        return replace(self, overrides=overrides, contacts={**self.contacts, **contacts})

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
