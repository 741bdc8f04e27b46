"""What the calendar pages show: a week as one row per day (mine, my pair's, the family's
free slots), the team as workers × days, and the calendar forms' choices.

Each row is a day and each column one person's time, so a screen reader reads "Tuesday,
my week: 9.00–10.30 home visit c17" from the table's own headers.
"""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.domain.appointment import AFTER_HOURS_REASONS, KINDS
from chalicelib.domain.feeds import KINDS as KIND_NAMES
from chalicelib.domain.intervals import Interval
from chalicelib.domain.week import ABSENCE_REASONS, DayLoad, day_span, week_label
from chalicelib.services.calendars import TeamGrid, WeekPage
from chalicelib.web.i18n import Words
from chalicelib.web.view import place_label


def kind_name(words: Words, kind: str) -> str:
    return KIND_NAMES[words.language].get(kind, kind).capitalize()


def weeks_nav(monday: date, today: date) -> dict:
    """``?week=`` of the previous, this and the next week."""
    return {"previous": week_label(monday - timedelta(days=7)),
            "next": week_label(monday + timedelta(days=7)),
            "today": week_label(today - timedelta(days=today.weekday())),
            "label": week_label(monday)}


def week_rows(words: Words, found: WeekPage, offices: dict) -> list[dict]:
    """One row per day, Monday first: my entries, my pair's busy times, the free slots."""
    rows = []
    for n in range(7):
        day = found.monday + timedelta(days=n)
        mine = [*({"at": a.start, "what": "appointment", "id": a.id, "case_id": a.case_id,
                   "text": "{} · {} · {}".format(
                       _clock(words, Interval(a.start, a.end), day),
                       kind_name(words, a.kind),
                       place_label(words, a.location, offices)[0])}
                  for a in found.appointments if Interval(a.start, a.end).overlaps(day_span(day))),
                *({"at": span.start, "what": "absence",
                   "text": words("staff.week.absent", reason=_reason(words, reason),
                                 when=_clock(words, span, day))}
                  for span, reason in found.absences if span.overlaps(day_span(day))),
                *({"at": span.start, "what": "extra",
                   "text": words("staff.week.extra", when=_clock(words, span, day))}
                  for span in found.extra_hours if span.overlaps(day_span(day))),
                *({"at": s.start, "what": "oncall",
                   "text": words("staff.week.oncall", level=words(f"staff.board.level.{s.level}"),
                                 when=_clock(words, Interval(s.start, s.end), day))}
                  for s in found.shifts if Interval(s.start, s.end).overlaps(day_span(day))),
                *({"at": day_span(day).start, "what": "deadline", "case_id": d.case_id,
                   "text": words("staff.week.deadline", kind=_review(words, d.kind))}
                  for d in found.deadlines if d.due == day),
                *({"at": span.start, "what": "busy",
                   "text": words("staff.week.busy", when=_clock(words, span, day))}
                  for span in found.busy if span.overlaps(day_span(day)))]
        rows.append({"day": words.day(day), "iso": day.isoformat(),
                     "mine": sorted(mine, key=lambda e: e["at"]),
                     "partner": _partner_day(words, found, day),
                     "slots": [words.span(s.start, s.end) for s in found.slots
                               if s.start.date() == day]})
    return rows


def _partner_day(words: Words, found: WeekPage, day: date) -> list[str]:
    diary = found.partner_diary
    if diary is None:
        return []
    spans = [*((b.interval, "staff.week.booked") for b in diary.busy),
             *((a, "staff.week.away") for a in diary.absences),
             *((c, "staff.week.busy") for c in diary.calendar_busy)]
    return [words(key, reason="", when=_clock(words, span, day))
            for span, key in sorted(spans, key=lambda s: s[0].start)
            if span.overlaps(day_span(day))]


def _clock(words: Words, span: Interval, day: date) -> str:
    """``9.00–10.30`` of the part of ``span`` on ``day``, or "all day"."""
    whole = day_span(day)
    if span.start <= whole.start and span.end >= whole.end:
        return words("staff.week.all_day")
    return f"{words.time(max(span.start, whole.start))}–{words.time(min(span.end, whole.end))}"


def _reason(words: Words, reason: str) -> str:
    return f" ({words(f'staff.absence.{reason}')})" if reason in ABSENCE_REASONS else ""


def _review(words: Words, kind: str) -> str:
    from chalicelib.web.staff_view import review_kind

    return review_kind(words, kind)


def team_rows(words: Words, grid: TeamGrid) -> dict:
    """The grid's column headers (days) and a row per worker (cells in words)."""
    return {"days": [{"label": f"{words.weekday(d)} {words.short_date(d)}",
                      "weekend": d.weekday() >= 5} for d in grid.days],
            "rows": [{"worker": w, "cells": [_cell(words, load) for load in loads]}
                     for w, loads in grid.rows]}


def _cell(words: Words, load: DayLoad) -> dict:
    hours, minutes = divmod(load.booked_minutes, 60)
    booked = words("staff.team.booked", hours=hours, minutes=f"{minutes:02d}") \
        if load.booked_minutes else ""
    absent = words("staff.team.absent_day") if load.whole_day_absent else \
        words("staff.team.absent_part") if load.absent else ""
    return {"booked": booked, "absent": absent, "free": not booked and not absent}


def choices(words: Words) -> dict:
    """The fixed lists the calendar forms offer (codes with their words)."""
    return {"reasons": [(r, words(f"staff.absence.{r}")) for r in ABSENCE_REASONS],
            "kinds": [(k, kind_name(words, k)) for k in KINDS if k != "group"],
            "after_hours": [(r, words(f"staff.after_hours.{r}")) for r in AFTER_HOURS_REASONS]}
