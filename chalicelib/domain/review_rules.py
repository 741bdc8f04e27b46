"""Review rules per service (docs/domain.md §2): what is due when, their JSON form and defaults.

A rule says when one kind of review (suunnitelma, arviointi, kausiyhteenveto …) is due
relative to the start of the service, and how many days before it the workers and the
responsible social worker are reminded (``reminder_days``, default 14 and 3). The dict
form is the body of ``PUT /review-rules/{service}`` and the item stored per service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Literal

from chalicelib.domain.deadlines import DEFAULT_REMINDER_DAYS
from chalicelib.domain.directory import SERVICES  # noqa: F401 - one list, re-exported here
from chalicelib.domain.errors import Invalid, Rejected

REVIEW_KINDS = (
    "plan",
    "review",
    "summary",
    "network-meeting",
    "final",
    "assessment-start",
    "assessment-complete",
    "client-plan-review",
    "phase-review",
)
ANCHORS = ("start", "last_completion")
MAX_RULES = 50
MAX_REMINDERS = 10
MAX_REMINDER_DAYS = 366  # a year ahead (a leap year's too) is the longest useful warning
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
# Generous bounds: they catch typos (days instead of months) without policing practice.
_LIMITS = {
    "days": (0, 3660),
    "months": (1, 120),
    "meeting": (1, 500),
    "min_months": (1, 120),
    "max_months": (1, 120),
}


@dataclass(frozen=True)
class AfterDays:
    """Due ``days`` days after the start, e.g. the plan within 14 days."""

    TYPE: ClassVar[str] = "after_days"
    id: str
    kind: str
    days: int
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


@dataclass(frozen=True)
class AfterWorkingDays:
    """Due on the ``days``-th working day after the start (Lastensuojelulaki 26 §)."""

    TYPE: ClassVar[str] = "after_working_days"
    id: str
    kind: str
    days: int
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


@dataclass(frozen=True)
class AfterMonths:
    """Due ``months`` calendar months after the start, e.g. an assessment within 3 months."""

    TYPE: ClassVar[str] = "after_months"
    id: str
    kind: str
    months: int
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


@dataclass(frozen=True)
class Recurring:
    """Due every ``months`` months: counted from the start, or from the last completion.

    The first occurrence is always ``months`` after the start.
    """

    TYPE: ClassVar[str] = "recurring"
    id: str
    kind: str
    months: int
    anchor: Literal["start", "last_completion"]
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


@dataclass(frozen=True)
class AfterMeeting:
    """Due ``days`` days after the ``meeting``-th held meeting (recorded ``held`` by staff)."""

    TYPE: ClassVar[str] = "after_meeting"
    id: str
    kind: str
    meeting: int
    days: int
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


@dataclass(frozen=True)
class ByEnd:
    """Due by the end of the service, at the latest ``max_months`` after the start.

    ``min_months`` is a minimum duration: the review may not be held before it.
    Without an end date and without ``max_months`` nothing is due yet.
    """

    TYPE: ClassVar[str] = "by_end"
    id: str
    kind: str
    max_months: int | None = None
    min_months: int | None = None
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS


Rule = AfterDays | AfterWorkingDays | AfterMonths | Recurring | AfterMeeting | ByEnd
RULE_TYPES: dict[str, type[Rule]] = {
    cls.TYPE: cls
    for cls in (AfterDays, AfterWorkingDays, AfterMonths, Recurring, AfterMeeting, ByEnd)
}


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The JSON form of ``rule``: ``{"id", "kind", "type", <parameters>}``; unset ones left out.

    ``reminder_days`` is always there (the effective days, largest first).
    """
    params = {f.name: getattr(rule, f.name) for f in fields(rule) if f.name not in ("id", "kind")}
    present = {name: list(value) if isinstance(value, tuple) else value
               for name, value in params.items() if value is not None}
    return {"id": rule.id, "kind": rule.kind, "type": rule.TYPE, **present}


def rule_from_dict(data: Any) -> Rule:
    """Parse one rule from its JSON form.

    Raises:
        Invalid: not an object, a missing or unknown key, or a value of the wrong JSON type.
        Rejected: a well-formed value that is not allowed (unknown type or review kind, a
            malformed id, a number out of range). ``field`` names the offending key.
    """
    if not isinstance(data, Mapping):
        raise Invalid("a rule must be an object", code="invalid_rule")
    rule_type = _string(data, "type")
    cls = RULE_TYPES.get(rule_type)
    if cls is None:
        raise Rejected(f"unknown rule type {rule_type!r}", code="unknown_rule_type", field="type")
    _check_keys(data, cls)
    values = {f.name: _parse_param(data, f.name) for f in fields(cls) if f.name in data}
    return cls(**values)


def rules_from_payload(body: Any) -> tuple[Rule, ...]:
    """Parse the body of ``PUT /review-rules/{service}``: ``{"rules": [...]}``.

    Errors carry the field as ``rules[2].days``.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("rules"), list):
        raise Invalid("expected {\"rules\": [...]}", code="invalid_rule", field="rules")
    if len(body["rules"]) > MAX_RULES:
        raise Rejected(f"at most {MAX_RULES} rules", code="out_of_range", field="rules")
    rules, seen = [], set()
    for index, item in enumerate(body["rules"]):
        try:
            rule = rule_from_dict(item)
        except (Invalid, Rejected) as error:
            where = f"rules[{index}]" + (f".{error.field}" if error.field else "")
            raise type(error)(error.message, code=error.code, field=where) from None
        if rule.id in seen:
            raise Rejected(f"rule id {rule.id!r} is used twice", code="duplicate_rule_id",
                           field=f"rules[{index}].id")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def rules_to_payload(rules: Sequence[Rule]) -> dict[str, list[dict[str, Any]]]:
    """The JSON body of ``GET /review-rules/{service}``."""
    return {"rules": [rule_to_dict(rule) for rule in rules]}


def _check_keys(data: Mapping[str, Any], cls: type[Rule]) -> None:
    names = {f.name for f in fields(cls)}
    required = {f.name for f in fields(cls) if f.default is MISSING}
    unknown = sorted(set(data) - names - {"type"})
    if unknown:
        raise Invalid(f"unknown key {unknown[0]!r} for a {cls.TYPE} rule", code="invalid_rule",
                      field=unknown[0])
    missing = sorted(required - set(data))
    if missing:
        raise Invalid(f"missing {missing[0]!r}", code="invalid_rule", field=missing[0])


def _parse_param(data: Mapping[str, Any], name: str) -> Any:
    if name == "id":
        value = _string(data, name)
        if not _RULE_ID.fullmatch(value):
            raise Rejected("an id is 1–40 of a–z, 0–9 and -", code="invalid_rule_id",
                           field=name)
        return value
    if name in ("kind", "anchor"):
        allowed = REVIEW_KINDS if name == "kind" else ANCHORS
        value = _string(data, name)
        if value not in allowed:
            raise Rejected(f"{name} must be one of {', '.join(allowed)}", code=f"unknown_{name}",
                           field=name)
        return value
    if name == "reminder_days":
        return _reminder_days(data[name])
    value = data[name]
    if value is None and name in ("min_months", "max_months"):
        return None
    return _whole_number(value, name, *_LIMITS[name])


def _reminder_days(value: Any) -> tuple[int, ...]:
    # Stored and shown largest first, so the same days always read back the same.
    if not isinstance(value, list):
        raise Invalid("reminder_days must be a list of whole days", code="invalid_rule",
                      field="reminder_days")
    if len(value) > MAX_REMINDERS:
        raise Rejected(f"at most {MAX_REMINDERS} reminders", code="out_of_range",
                       field="reminder_days")
    days = [_whole_number(day, "reminder_days", 0, MAX_REMINDER_DAYS) for day in value]
    if len(set(days)) != len(days):
        raise Rejected("a reminder day is given twice", code="duplicate_reminder_day",
                       field="reminder_days")
    return tuple(sorted(days, reverse=True))


def _whole_number(value: Any, name: str, low: int, high: int) -> int:
    # bool is an int subclass in Python, but true is not a number of days.
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{name} must be a whole number", code="invalid_rule", field=name)
    if not low <= value <= high:
        raise Rejected(f"{name} must be {low}–{high}", code="out_of_range", field=name)
    return value


def _string(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string", code="invalid_rule", field=name)
    return value


_CLIENT_PLAN_REVIEW = Recurring("client-plan-review", "client-plan-review", 12, "last_completion")

DEFAULT_RULES: dict[str, tuple[Rule, ...]] = {
    "tehostettu-perhetyo": (
        AfterDays("plan", "plan", days=14),
        Recurring("review", "review", months=4, anchor="last_completion"),
        ByEnd("final", "final", max_months=12),  # loppuneuvottelu: at most about a year
        _CLIENT_PLAN_REVIEW,
    ),
    "perhetyo": (
        AfterDays("plan", "plan", days=14),
        Recurring("review", "review", months=4, anchor="last_completion"),
        _CLIENT_PLAN_REVIEW,
    ),
    "korjaava-perhetyo": (
        # The assessment period (kartoitusjakso) of 3–5 meetings ends in a network meeting.
        AfterMeeting("network-meeting", "network-meeting", meeting=5, days=14),
        Recurring("summary", "summary", months=3, anchor="start"),  # kausiyhteenveto
        ByEnd("final", "final"),  # loppuarviointi
        _CLIENT_PLAN_REVIEW,
    ),
    "tukihenkilotoiminta": (
        Recurring("phase-review", "phase-review", months=3, anchor="last_completion"),
        ByEnd("final", "final", min_months=6),  # a support person works at least 6 months
        _CLIENT_PLAN_REVIEW,
    ),
    "palvelutarpeen-arviointi": (
        AfterWorkingDays("assessment-start", "assessment-start", days=7),  # LsL 26 §
        AfterMonths("assessment-complete", "assessment-complete", months=3),  # ShL 36 §
        AfterMeeting("plan", "plan", meeting=4, days=14),  # more than four meetings: a plan
        _CLIENT_PLAN_REVIEW,
    ),
}
