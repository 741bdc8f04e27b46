"""When an EventBridge schedule fires, for the local pump: ``rate(...)`` every round, a
``cron(...)`` only in the minutes it names (in UTC, as EventBridge reads it).

Daily jobs run in ``make run`` at their hour rather than every few seconds, so the
terminal shows what happens (confirmations, reminders) instead of the same daily job.
The fields supported are what cron schedules are written with here: ``*``, ``?``,
numbers, lists (``1,15``), ranges (``1-5``) and steps (``*/10``, ``0-30/15``); day-of-week
also by name (``MON``). Anything else (``L``, ``W``, ``#``) fires every round: a daily
job run too often locally is noise, never a missed step.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def fires_between(expression: object, after: datetime, until: datetime) -> bool:
    """Whether a schedule fires in a minute that starts after ``after`` and by ``until``.

    A ``rate(...)`` always does: the pump runs it every round. At most the last day of
    minutes is looked at.
    """
    fields = _cron_fields(expression)
    if fields is None:
        return True
    minute = max(after, until - timedelta(days=1)).replace(second=0, microsecond=0)
    minute += timedelta(minutes=1)
    while minute <= until:
        if _fires(fields, minute):
            return True
        minute += timedelta(minutes=1)
    return False


def fires(expression: object, minute: datetime) -> bool:
    """Whether a schedule fires in the UTC minute containing ``minute``.

    Args:
        expression: a Chalice ``Rate``/``Cron`` or its string (``rate(1 minute)``,
            ``cron(0 5 * * ? *)``).
        minute: any instant in the minute asked about.
    """
    fields = _cron_fields(expression)
    return fields is None or _fires(fields, minute)


def _cron_fields(expression: object) -> list[str] | None:
    """The six fields of a ``cron(...)``; None for a rate or anything unreadable."""
    text = expression if isinstance(expression, str) else expression.to_string()
    if not text.startswith("cron(") or not text.endswith(")"):
        return None
    fields = text[len("cron("):-1].split()
    return fields if len(fields) == 6 else None


def _fires(fields: list[str], minute: datetime) -> bool:
    at = minute.astimezone(timezone.utc)
    weekday = at.isoweekday() % 7 + 1  # EventBridge: SUN=1 … SAT=7
    values = (at.minute, at.hour, at.day, at.month, weekday, at.year)
    return all(_matches(field, value) for field, value in zip(fields, values))


def _matches(field: str, value: int) -> bool:
    return any(_matches_part(part, value) for part in field.upper().split(","))


def _matches_part(part: str, value: int) -> bool:
    if part in ("*", "?"):
        return True
    base, _, step = part.partition("/")
    try:
        if base == "*":
            low, high = 0, 10_000
        elif "-" in base:
            low, high = (_number(x) for x in base.split("-", 1))
        else:
            low = _number(base)
            high = low if not step else 10_000
        return low <= value <= high and (value - low) % int(step or 1) == 0
    except ValueError:
        return True  # syntax this reader does not know: run rather than skip


def _number(text: str) -> int:
    return _DAYS[text] if text in _DAYS else int(text)
