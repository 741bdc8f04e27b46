"""Who an escalation policy pages when, if nobody acknowledges: the policy form's timeline.

It runs the escalation machine itself (``open_escalation`` then ``advance`` at each due
time) over a rota, so the preview cannot disagree with what a real request would do:
a step with nobody on call is skipped at once, and after the last pass the family gets
the fallback numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.escalation import (FamilyFallback, Page, Policy, Skipped, WhoIsOnCall,
                                          advance, open_escalation)


@dataclass(frozen=True)
class Paging:
    """One moment of the timeline: ``worker`` paged for step ``step`` (1-based) of pass
    ``round`` (1-based), or nobody (skipped, ``worker`` None), or the family's fallback
    (``fallback``)."""

    at: datetime
    step: int
    round: int
    target: str
    worker: str | None
    fallback: bool = False


def schedule(policy: Policy, start: datetime, who_is_on_call: WhoIsOnCall) -> list[Paging]:
    """The timeline of a request arriving at ``start`` that nobody acknowledges.

    >>> from datetime import UTC
    >>> from chalicelib.domain.escalation import Step
    >>> policy = Policy((Step("primary", 600), Step("secondary", 300)), repeat=0)
    >>> start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    >>> [(p.at.minute, p.worker) for p in schedule(policy, start, lambda t, at: t[0])]
    [(0, 'p'), (10, 's'), (15, None)]
    """
    escalation, actions = open_escalation("preview", policy, start, who_is_on_call)
    timeline, at = [], start
    while True:
        for action in actions:
            if isinstance(action, (Page, Skipped)):
                step = policy.steps[action.step_index]
                timeline.append(Paging(at, action.step_index + 1, action.pass_number + 1,
                                       step.notify, getattr(action, "worker_id", None)))
            elif isinstance(action, FamilyFallback):
                timeline.append(Paging(at, len(policy.steps), policy.repeat + 1, "family",
                                       None, fallback=True))
        if escalation.next_action_at is None:
            return timeline
        at = escalation.next_action_at
        escalation, actions = advance(escalation, at, who_is_on_call)
