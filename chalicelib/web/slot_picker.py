"""The booking page's slot picker, a day at a time: which week and day to show, as plain values.

A phone shows one day's free times in a grid under a strip of the week's days; a week
with no free time at the chosen place says when the next one is and offers it. Every
button belongs to one GET form with the place choice, so a tap always carries the place
the family sees chosen (see ``templates/index.html``). No I/O and no clock: the handler
passes the slots it read and ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from chalicelib.domain.workdays import is_working_day, local
from chalicelib.web.i18n import Words


@dataclass(frozen=True)
class Asked:
    """What the page's query asks to see: a day (``day=``) or a week (``week=``), if any."""

    day: date | None = None
    week: date | None = None

    @classmethod
    def parse(cls, day: str | None, week: str | None) -> Asked:
        return cls(_date_or_none(day), _date_or_none(week))

    @property
    def explicit(self) -> bool:
        return self.day is not None or self.week is not None


def _date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def shown_monday(asked: Asked, now: datetime, last_day: date) -> date:
    """The Monday of the asked day or week, never before this week nor after the week of
    ``last_day`` (the booking horizon's last day)."""
    this_monday = monday_of(local(now).date())
    wanted = asked.day or asked.week
    if wanted is None:
        return this_monday
    return min(max(monday_of(wanted), this_monday), monday_of(last_day))


def last_day(now: datetime, horizon: timedelta) -> date:
    """The last Helsinki day a family may book (``now`` + the booking horizon)."""
    return local(now + horizon).date()


def days_left(first: date, last: date) -> int:
    """How many days from ``first`` to ``last`` (0 if none)."""
    return max(0, (last - first).days + 1)


def at_place(slots, place: str | None) -> list:
    """The slots possible at ``place``, soonest first."""
    return sorted((s for s in slots if place in s.locations), key=lambda s: s.start)


def picker(words: Words, monday: date, slots, asked_day: date | None, now: datetime,
           last: date, later=None, current: datetime | None = None) -> dict:
    """The week's day strip, the chosen day's times and, for an empty week, the next free time.

    Args:
        words: the page's language.
        monday: the week shown.
        slots: the free slots at the chosen place (any days; only this week's are shown).
        asked_day: the day asked for; when it has no free time, the week's first that has.
        now: the current instant.
        last: the last day that may be booked (no next week after its week).
        later: the first free slot at the place after this week, or None (only read when
            this week has none).
        current: the start of the meeting being moved, when it is at this place: shown,
            but not offered (a move to the same time changes nothing).
    """
    sunday = monday + timedelta(days=6)
    by_day = {day: list(group) for day, group in groupby(
        (s for s in slots if monday <= local(s.start).date() <= sunday),
        key=lambda s: local(s.start).date())}
    chosen = asked_day if asked_day in by_day else next(iter(sorted(by_day)), None)
    today = local(now).date()
    week_days = [monday + timedelta(days=n) for n in range(7)]
    return {
        "start": monday.isoformat(),
        "label": words("slots.week", week=monday.isocalendar()[1],
                       first=words.short_date(monday), last=words.short_date(sunday)),
        "previous": (monday - timedelta(days=7)).isoformat() if monday > monday_of(today) else None,
        "next": (monday + timedelta(days=7)).isoformat() if monday + timedelta(days=7) <= last
        else None,
        "days": [_day(words, day, day in by_day, day == chosen)
                 for day in week_days if is_working_day(day) or day in by_day],
        "chosen": chosen.isoformat() if chosen else "",
        "heading": words.day(chosen) if chosen else None,
        "times": [_time(words, s, s.start == current) for s in by_day.get(chosen, [])],
        "next_free": _next_free(words, later) if not by_day else None,
    }


def _day(words: Words, day: date, has_times: bool, chosen: bool) -> dict:
    return {"date": day.isoformat(), "weekday": words.weekday(day),
            "short": words.short_date(day), "label": words.day(day), "open": has_times,
            "chosen": chosen}


def _time(words: Words, slot, current: bool) -> dict:
    span = words.span(slot.start, slot.end)
    return {"start": local(slot.start).isoformat(), "time": words.time(slot.start),
            "current": current,
            "label": words("slots.current" if current else "slots.choose", time=span)}


def _next_free(words: Words, slot) -> dict | None:
    if slot is None:
        return None
    return {"day": local(slot.start).date().isoformat(), "label": words.datetime(slot.start)}
