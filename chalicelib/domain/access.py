"""Who is asking, and what staff roles may see (coordinator: everything; worker: theirs)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Actor:
    """An authenticated member of staff."""

    subject: str
    role: str  # "coordinator" | "worker"
    worker_id: str | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    def label(self) -> str:
        """How the audit log names this actor: ids only, never a person's name."""
        return f"{self.role}:{self.worker_id or self.subject}"


def require_coordinator(actor: Actor) -> None:
    """Raise Forbidden unless the actor is a coordinator."""
    if not actor.is_coordinator:
        raise Forbidden("this needs the coordinator role")


def require_self_or_coordinator(actor: Actor, worker_id: str) -> None:
    """A worker may act on their own record only."""
    if not actor.is_coordinator and actor.worker_id != worker_id:
        raise Forbidden("workers may only act on their own record")


def require_case_access(actor: Actor, case: Case) -> None:
    """Coordinators see every case; a worker only the cases they work on.

    A worker asking for another worker's case gets 404, not 403: ids of cases are not
    confirmed to people who have no business with them.
    """
    if actor.is_coordinator:
        return
    if actor.worker_id not in case.workers and actor.worker_id != case.social_worker:
        raise NotFound("no such case")


def may_handle_escalation(actor: Actor, paged: tuple[str, ...], on_call: str | None,
                          case: Case | None) -> bool:
    """Whether ``actor`` may read and act on an escalation (päivystyspyyntö).

    Coordinators: every one. A worker: while they have been paged for it, are on call
    now for its current level (``on_call`` is that worker's id), or work on its case.

    >>> worker = Actor("s", "worker", "anna")
    >>> may_handle_escalation(worker, ("anna",), None, None)
    True
    >>> may_handle_escalation(worker, ("ben",), "ben", None)
    False
    """
    if actor.is_coordinator:
        return True
    me = actor.worker_id
    if me is None:
        return False
    on_case = case is not None and (me in case.workers or me == case.social_worker)
    return me in paged or me == on_call or on_case


def require_escalation_access(actor: Actor, paged: tuple[str, ...], on_call: str | None,
                              case: Case | None) -> None:
    """NotFound (404) unless :func:`may_handle_escalation`: ids are not confirmed to
    workers who have no business with them."""
    if not may_handle_escalation(actor, paged, on_call, case):
        raise NotFound("no such escalation")
