"""The on-call rota document in DynamoDB (``pk=ONCALL``, ``sk=ROTA``) and its in-memory twin.

One item holds every rotation, the overrides still relevant, the policy, the on-call
workers' phones and the recent shift swap requests, so ``GET /oncall/now`` and the Connect
lookup are one GetItem. Writes are read-modify-write conditioned on ``version``.
"""

from __future__ import annotations

from dataclasses import replace

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from chalicelib.domain.errors import Conflict
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import Override, Rotation
from chalicelib.domain.rota import Reach, Rota, shift_workers_changed
from chalicelib.domain.swaps import Swap
from chalicelib.store import tx as raw
from chalicelib.store.table import TableModel

ROTA_KEY = ("ONCALL", "ROTA")


class RotationMap(MapAttribute):
    id = UnicodeAttribute()
    level = UnicodeAttribute()
    workers = ListAttribute(of=UnicodeAttribute)
    start = UTCDateTimeAttribute()
    shift_hours = NumberAttribute()
    end = UTCDateTimeAttribute(null=True)


class OverrideMap(MapAttribute):
    worker = UnicodeAttribute()
    level = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()


class StepMap(MapAttribute):
    notify = UnicodeAttribute()
    wait_seconds = NumberAttribute()


class PolicyMap(MapAttribute):
    steps = ListAttribute(of=StepMap)
    repeat = NumberAttribute()


class ReachMap(MapAttribute):
    worker = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)


class SwapMap(MapAttribute):
    id = UnicodeAttribute()
    requester = UnicodeAttribute()
    level = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    asked_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    accepted_by = UnicodeAttribute(null=True)
    accepted_at = UTCDateTimeAttribute(null=True)


SWAP_FIELDS = ("id", "requester", "level", "start", "end", "asked_at", "status",
               "accepted_by", "accepted_at")


class RotaItem(TableModel):
    rotations = ListAttribute(of=RotationMap, default=list)
    overrides = ListAttribute(of=OverrideMap, default=list)
    policy = PolicyMap(null=True)
    contacts = ListAttribute(of=ReachMap, default=list)
    version = NumberAttribute(default=0)
    swaps = ListAttribute(of=SwapMap, default=list)


def policy_from_map(item: PolicyMap) -> Policy:
    return Policy(tuple(Step(s.notify, int(s.wait_seconds)) for s in item.steps),
                  int(item.repeat))


def policy_to_map(policy: Policy) -> PolicyMap:
    return PolicyMap(steps=[StepMap(notify=s.notify, wait_seconds=s.wait_seconds)
                            for s in policy.steps], repeat=policy.repeat)


def rota_from_item(item: RotaItem) -> Rota:
    return Rota(
        rotations=tuple(Rotation(r.id, r.level, tuple(r.workers), r.start, int(r.shift_hours),
                                 r.end)
                        for r in item.rotations or ()),
        overrides=tuple(Override(o.worker, o.level, o.start, o.end)
                        for o in item.overrides or ()),
        policy=policy_from_map(item.policy) if item.policy else None,
        contacts={c.worker: Reach(c.phone, c.email) for c in item.contacts or ()},
        version=int(item.version or 0),
        swaps=tuple(Swap(**{name: getattr(w, name) for name in SWAP_FIELDS})
                    for w in item.swaps or ()),
    )


def rota_from_raw(item: dict | None) -> Rota:
    """The rota from its item as DynamoDB returns it (empty if never written)."""
    return rota_from_item(RotaItem.from_raw_data(item)) if item else Rota()


def rota_to_item(rota: Rota) -> RotaItem:
    return RotaItem(
        *ROTA_KEY,
        rotations=[RotationMap(id=r.id, level=r.level, workers=list(r.workers), start=r.start,
                               shift_hours=r.shift_hours, end=r.end)
                   for r in rota.rotations],
        overrides=[OverrideMap(worker=o.worker, level=o.level, start=o.start, end=o.end)
                   for o in rota.overrides],
        policy=policy_to_map(rota.policy) if rota.policy else None,
        contacts=[ReachMap(worker=w, phone=c.phone, email=c.email)
                  for w, c in sorted(rota.contacts.items())],
        version=rota.version,
        swaps=[SwapMap(**{name: getattr(w, name) for name in SWAP_FIELDS})
               for w in rota.swaps],
    )


def _stale_write() -> Conflict:
    return Conflict("the rota was changed at the same time; retry", code="concurrent_update")


class DynamoRotaStore:
    """The rota document on DynamoDB."""

    def load(self) -> Rota:
        """The rota (empty if never written): one strongly consistent GetItem."""
        # Through the shared client (tx.client), where round trips are counted.
        item = raw.client().get_item(TableName=raw.table_name(), Key=raw.key(*ROTA_KEY),
                                     ConsistentRead=True).get("Item")
        return rota_from_raw(item)

    def save(self, rota: Rota, before: Rota | None = None, notes=()) -> Rota:
        """Store ``rota`` if nobody saved since ``before`` (what was loaded) was; Conflict
        otherwise. The feeds of the workers whose shifts changed are bumped with it, and
        ``notes`` (``(Notification, now)`` pairs) queued in the same transaction: sent only
        if this write wins."""
        from chalicelib.store.outbox import enqueue

        item = rota_to_item(rota)
        item.version = rota.version + 1
        tx = raw.Transaction()
        if rota.version == 0:
            tx.put(item, "rota", "attribute_not_exists(pk)")
        else:
            tx.put(item, "rota", "version = :v", values={":v": rota.version})
        for worker in sorted(shift_workers_changed(before or Rota(), rota)):
            tx.touch_feed(worker)
        for note, now in notes:
            enqueue(tx, note, now)
        try:
            tx.commit()
        except raw.TransactionCancelled as error:
            raise _stale_write() from error
        return rota_from_item(item)


class InMemoryRotaStore:
    """The same interface over one attribute, for service tests."""

    def __init__(self):
        self.rota = Rota()
        self.queued = []  # the notifications saves carried

    def load(self) -> Rota:
        return self.rota

    def save(self, rota: Rota, before: Rota | None = None, notes=()) -> Rota:
        if rota.version != self.rota.version:
            raise _stale_write()
        self.rota = replace(rota, contacts=dict(rota.contacts), version=rota.version + 1)
        self.queued.extend(note for note, _ in notes)
        return self.rota
