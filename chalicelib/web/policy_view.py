"""The escalation policy form: its values (steps as rows, waits in minutes), reading it back,
and the timeline rows of who is paged when."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import DomainError, Invalid
from chalicelib.domain.escalation import MAX_STEPS, Policy, policy_from_dict
from chalicelib.web.i18n import Words

BLANK_ROWS = 2  # empty step rows under the policy's own, to add steps without JavaScript


def form_values(policy: Policy) -> dict:
    """The form filled from ``policy``, with room for more steps."""
    rows = [{"notify": s.notify, "wait": str(s.wait_seconds // 60)} for s in policy.steps]
    blank = min(BLANK_ROWS, MAX_STEPS - len(rows))
    return {"steps": rows + [{"notify": "", "wait": ""}] * blank, "repeat": str(policy.repeat)}


def posted_values(field) -> dict:
    """The form as posted (``field(name)``: one stripped value), blank rows kept."""
    rows = [{"notify": field(f"notify-{i}"), "wait": field(f"wait-{i}")}
            for i in range(MAX_STEPS)]
    while rows and rows[-1] == {"notify": "", "wait": ""} and len(rows) > 1:
        rows.pop()
    return {"steps": rows + [{"notify": "", "wait": ""}] * BLANK_ROWS,
            "repeat": field("repeat")}


def parse(values: dict) -> Policy:
    """The policy the form describes (blank rows skipped); Invalid/Rejected name the field."""
    steps = []
    for i, row in enumerate(values["steps"]):
        if not row["notify"] and not row["wait"]:
            continue
        if not row["wait"].isdigit():
            raise Invalid("give the wait in whole minutes", field=f"wait-{i}")
        steps.append({"notify": row["notify"], "wait_seconds": int(row["wait"]) * 60})
    if not values["repeat"].isdigit():
        raise Invalid("give the repeat count as a whole number", field="repeat")
    try:
        return policy_from_dict({"steps": steps, "repeat": int(values["repeat"])})
    except DomainError as refused:
        # steps[i] → the form's row: count the non-blank rows up to it.
        raise _on_row(refused, values) from None


def _on_row(refused: DomainError, values: dict) -> DomainError:
    field = refused.field or ""
    if field.startswith("steps[") and "]" in field:
        index = int(field[6:field.index("]")])
        filled = [i for i, r in enumerate(values["steps"]) if r["notify"] or r["wait"]]
        row = filled[index] if index < len(filled) else 0
        name = "wait" if "wait" in field else "notify"
        return type(refused)(refused.message, code=refused.code, field=f"{name}-{row}")
    return refused


def timeline_rows(words: Words, pagings, start: datetime) -> list[dict]:
    """Each moment of the timeline: minutes from the request, the clock time, step and
    round, the target and who is paged (or that nobody is, or the family's fallback)."""
    return [{"after": int((p.at - start).total_seconds() // 60), "at": words.time(p.at),
             "step": p.step, "round": p.round, "target": _target(words, p.target),
             "worker": p.worker, "skipped": p.worker is None and not p.fallback,
             "fallback": p.fallback} for p in pagings]


def _target(words: Words, target: str) -> str:
    if target in ("primary", "secondary"):
        return words(f"staff.board.level.{target}")
    return target.removeprefix("worker:")
