"""The escalation state machine: page each step of a frozen policy until someone acknowledges.

Pure: every function takes ``now`` and returns the new Escalation with the actions the
service layer turns into outbox notifications. The timer is ``next_action_at`` and
``version`` is the fencing token the store conditions its write on (as in GoAlert: a lost
wake-up loses nothing, a duplicate one does nothing). A step whose target has nobody on
call is skipped at once rather than waited out (GoAlert #4548). Instants are kept in UTC
so that waits are real seconds, also across a DST change.

A step's wait counts from when its page actually went out (:func:`page_went_out`): a page
delivered late, e.g. after an outage, still gives its worker the whole wait before the
next one is paged. A page not delivered before the escalation moved on is no longer
wanted (:func:`page_wanted`): it is dropped, never sent late.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import Conflict, Invalid, Rejected
from chalicelib.domain.oncall import utc

LEVEL_TARGETS = ("primary", "secondary")
OUTCOMES = ("called-back", "no-answer", "referred")
# ``unanswered``: the last step passed with nobody acknowledging; the family has the
# fallback numbers, and the request stays listed until someone resolves it.
STATUSES = ("open", "unanswered", "acknowledged", "resolved")
WAITING = ("open", "unanswered")  # nobody has acknowledged yet: these may be acknowledged
UNRESOLVED = (*WAITING, "acknowledged")
MAX_WAIT_SECONDS = 24 * 3600
MAX_REPEAT = 10
MAX_STEPS = 20

WhoIsOnCall = Callable[[str, datetime], str | None]


@dataclass(frozen=True)
class Step:
    """Page ``notify`` (``primary``, ``secondary`` or ``worker:<id>``), then wait."""

    notify: str
    wait_seconds: int


@dataclass(frozen=True)
class Policy:
    """The chain of steps; ``repeat`` is how many extra passes follow the first."""

    steps: tuple[Step, ...]
    repeat: int


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _step_from_dict(data: object, i: int) -> Step:
    if not isinstance(data, Mapping):
        raise Invalid("a step must be an object", field=f"steps[{i}]")
    notify, wait = data.get("notify"), data.get("wait_seconds")
    worker_target = isinstance(notify, str) and notify.startswith("worker:") and notify != "worker:"
    if notify not in LEVEL_TARGETS and not worker_target:
        raise Invalid("notify must be primary, secondary or worker:<id>",
                      field=f"steps[{i}].notify")
    if not _is_count(wait):
        raise Invalid("wait_seconds must be a whole number", field=f"steps[{i}].wait_seconds")
    if not 0 <= wait <= MAX_WAIT_SECONDS:
        raise Rejected(f"wait_seconds must be between 0 and {MAX_WAIT_SECONDS}",
                       code="wait_out_of_range", field=f"steps[{i}].wait_seconds")
    return Step(notify, wait)


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """The Policy of ``PUT /oncall/policy``; malformed → Invalid, out of range → Rejected.

    >>> policy_from_dict({"steps": [{"notify": "primary", "wait_seconds": 300}], "repeat": 1})
    Policy(steps=(Step(notify='primary', wait_seconds=300),), repeat=1)
    """
    steps, repeat = data.get("steps"), data.get("repeat", 0)
    if not isinstance(steps, list):
        raise Invalid("steps must be a list", field="steps")
    if not 1 <= len(steps) <= MAX_STEPS:
        raise Rejected(f"a policy has 1 to {MAX_STEPS} steps", code="steps_out_of_range",
                       field="steps")
    if not _is_count(repeat):
        raise Invalid("repeat must be a whole number", field="repeat")
    if not 0 <= repeat <= MAX_REPEAT:
        raise Rejected(f"repeat must be between 0 and {MAX_REPEAT}",
                       code="repeat_out_of_range", field="repeat")
    return Policy(tuple(_step_from_dict(s, i) for i, s in enumerate(steps)), repeat)


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The JSON form of a policy; ``policy_from_dict`` reads it back unchanged."""
    return {"steps": [{"notify": s.notify, "wait_seconds": s.wait_seconds}
                      for s in policy.steps],
            "repeat": policy.repeat}


@dataclass(frozen=True)
class Page:
    """Send the page of step ``step_index`` (0-based) in pass ``pass_number`` (0-based)."""

    worker_id: str
    step_index: int
    pass_number: int


@dataclass(frozen=True)
class Skipped:
    """Step ``step_index`` had nobody on call for ``target`` and was passed over at once."""

    target: str
    step_index: int
    pass_number: int


@dataclass(frozen=True)
class FamilyReceived:
    """Tell the family their request arrived and the on-call worker will call."""


@dataclass(frozen=True)
class FamilyFallback:
    """Nobody acknowledged: give the family 112 and the crisis emergency service's number."""


Action = Page | Skipped | FamilyReceived | FamilyFallback


@dataclass(frozen=True)
class Escalation:
    """One request for help travelling along its frozen policy.

    ``status`` is one of :data:`STATUSES`; ``next_action_at`` is None once nothing more
    is scheduled; ``version`` grows by one on every transition; ``paged`` names every
    worker paged so far (they may see and act on it).
    """

    id: str
    status: str
    policy: Policy
    step_index: int
    pass_number: int
    next_action_at: datetime | None
    version: int
    opened_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    outcome: str | None = None
    fallback_sent: bool = False
    paged: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        """The target of the current step (``primary``, ``secondary`` or ``worker:<id>``)."""
        return self.policy.steps[self.step_index].notify


def _page_from(escalation: Escalation, step_index: int, pass_number: int, now: datetime,
               who_is_on_call: WhoIsOnCall) -> tuple[Escalation, list[Action]]:
    """Page the first step from the given one that reaches somebody, or fall back."""
    steps, actions = escalation.policy.steps, []
    while pass_number <= escalation.policy.repeat:
        step = steps[step_index]
        worker = who_is_on_call(step.notify, now)
        if worker is not None:
            actions.append(Page(worker, step_index, pass_number))
            paged = escalation.paged + ((worker,) if worker not in escalation.paged else ())
            return replace(escalation, step_index=step_index, pass_number=pass_number,
                           next_action_at=now + timedelta(seconds=step.wait_seconds),
                           paged=paged, version=escalation.version + 1), actions
        actions.append(Skipped(step.notify, step_index, pass_number))
        step_index, pass_number = _following(step_index, pass_number, len(steps))
    actions.append(FamilyFallback())
    return replace(escalation, status="unanswered", step_index=len(steps) - 1,
                   pass_number=escalation.policy.repeat, next_action_at=None,
                   fallback_sent=True, version=escalation.version + 1), actions


def _following(step_index: int, pass_number: int, step_count: int) -> tuple[int, int]:
    if step_index + 1 < step_count:
        return step_index + 1, pass_number
    return 0, pass_number + 1


def open_escalation(id: str, policy: Policy, now: datetime,
                    who_is_on_call: WhoIsOnCall) -> tuple[Escalation, list[Action]]:
    """A new escalation with its policy frozen in; the family is told and step 1 paged now.

    Args:
        id: the escalation's id.
        policy: the policy in force now; later policy changes do not affect this one.
        now: the instant the request arrived.
        who_is_on_call: ``(target, at) -> worker id or None``.

    Returns:
        The escalation (version 1) and its actions: FamilyReceived, then Skipped for each
        target with nobody on call, then a Page (or FamilyFallback if nobody is reachable).
    """
    now = utc(now, "now")
    started = Escalation(id=id, status="open", policy=policy, step_index=0, pass_number=0,
                         next_action_at=now, version=0, opened_at=now)
    escalation, actions = _page_from(started, 0, 0, now, who_is_on_call)
    return escalation, [FamilyReceived(), *actions]


def advance(escalation: Escalation, now: datetime,
            who_is_on_call: WhoIsOnCall) -> tuple[Escalation, list[Action]]:
    """Move a due escalation to its next step; anything not due comes back unchanged.

    A step with nobody on call is skipped in the same call. After the last step of the
    last pass the family gets the fallback once and nothing more is scheduled.
    """
    now, due = utc(now, "now"), escalation.next_action_at
    if escalation.status != "open" or due is None or now < due:
        return escalation, []
    step_index, pass_number = _following(escalation.step_index, escalation.pass_number,
                                         len(escalation.policy.steps))
    return _page_from(escalation, step_index, pass_number, now, who_is_on_call)


def acknowledge(escalation: Escalation, worker: str, now: datetime) -> Escalation:
    """The worker takes the request: the chain stops (no page is sent after this).

    An ``unanswered`` request may still be taken: the family waits for a call either way.

    Raises:
        Conflict: ``already_acknowledged`` or ``already_resolved``.
    """
    now = utc(now, "now")
    if escalation.status not in WAITING:
        raise Conflict(f"the escalation is already {escalation.status}",
                       code=f"already_{escalation.status}")
    return replace(escalation, status="acknowledged", acknowledged_by=worker,
                   acknowledged_at=now, next_action_at=None, version=escalation.version + 1)


def resolve(escalation: Escalation, outcome: str, worker: str, now: datetime) -> Escalation:
    """Close the request with its outcome; an open one may be resolved without an ack.

    Raises:
        Invalid: ``outcome`` is not one of OUTCOMES.
        Conflict: ``already_resolved``.
    """
    if outcome not in OUTCOMES:
        raise Invalid("outcome must be called-back, no-answer or referred", field="outcome")
    if escalation.status == "resolved":
        raise Conflict("the escalation is already resolved", code="already_resolved")
    now = utc(now, "now")
    return replace(escalation, status="resolved", outcome=outcome, resolved_by=worker,
                   resolved_at=now, next_action_at=None, version=escalation.version + 1)



def page_wanted(escalation: Escalation, step_index: int, pass_number: int) -> bool:
    """Whether the page of that step and pass may still go out: the chain is still there.

    >>> from datetime import UTC
    >>> e, _ = open_escalation("e1", Policy((Step("primary", 60),), 0),
    ...                        datetime(2026, 12, 1, tzinfo=UTC), lambda target, at: "anna")
    >>> page_wanted(e, 0, 0), page_wanted(acknowledge(e, "anna", e.opened_at), 0, 0)
    (True, False)
    """
    return (escalation.status == "open" and escalation.step_index == step_index
            and escalation.pass_number == pass_number)


def page_went_out(escalation: Escalation, step_index: int, pass_number: int,
                  sent_at: datetime) -> Escalation | None:
    """The escalation with its step's wait counted from ``sent_at``, when the page of that
    step went out later than it was queued; None when nothing changes (the chain moved
    on, or the timer already runs at least that long, e.g. a second channel's copy)."""
    if not page_wanted(escalation, step_index, pass_number):
        return None
    wait = timedelta(seconds=escalation.policy.steps[step_index].wait_seconds)
    due = utc(sent_at, "sent_at") + wait
    if escalation.next_action_at is not None and due <= escalation.next_action_at:
        return None
    return replace(escalation, next_action_at=due, version=escalation.version + 1)
