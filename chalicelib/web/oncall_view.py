"""What the on-call pages show: coverage pieces as rows, gaps marked, the rotations and
overrides as rows, and the cover and rotation forms' values."""

from __future__ import annotations

import re
from datetime import datetime

from chalicelib.domain.errors import Invalid
from chalicelib.domain.oncall import Override, Rotation
from chalicelib.domain.workdays import HELSINKI, local
from chalicelib.services.oncall_board import Coverage
from chalicelib.web.i18n import Words

FIELD_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">, Helsinki wall-clock time
ROTATION_ID = re.compile(r"[A-Za-z0-9._-]{1,60}")  # it goes into the page's links
# ``?notice=`` after a saved form, and the words the page says for it.
NOTICES = {"saved": "staff.cover.saved", "cover-ended": "staff.cover.ended",
           "rotation-saved": "staff.rotation.saved", "rotation-ended": "staff.rotation.ended",
           "swap-asked": "staff.swap.asked", "swap-accepted": "staff.swap.accepted",
           "swap-taken": "staff.swap.taken"}


def field_value(instant: datetime) -> str:
    return local(instant).strftime(FIELD_FORMAT)


def parse_field(value: str, name: str) -> datetime:
    """A ``datetime-local`` value as a Helsinki instant; Invalid names the field."""
    try:
        parsed = datetime.strptime(value, FIELD_FORMAT)
    except ValueError:
        raise Invalid("give a date and time", field=name) from None
    return parsed.replace(tzinfo=HELSINKI)


def levels(words: Words, found: Coverage) -> list[dict]:
    """Each level with its rows: when, who (or a gap) and the values an "add cover" needs."""
    return [{"level": level, "label": words(f"staff.board.level.{level}"),
             "holder": found.now[level],
             "rows": [{"when": f"{words.datetime(start)} – {words.datetime(end)}",
                       "worker": worker, "gap": worker is None,
                       "start": field_value(start), "end": field_value(end)}
                      for start, end, worker in pieces]}
            for level, pieces in found.levels.items()]


def rotation_rows(words: Words, rotations) -> list[dict]:
    """The rotations as the page lists them: level, workers in turn, from, shift, until."""
    return [{"id": r.id, "level": words(f"staff.board.level.{r.level}"),
             "workers": ", ".join(r.workers), "start": words.datetime(r.start),
             "shift_hours": r.shift_hours,
             "end": words.datetime(r.end) if r.end else ""} for r in rotations]


def override_rows(words: Words, overrides, now: datetime) -> list[dict]:
    """The covers not yet over, soonest first, each with the key its buttons name."""
    return [{"key": o.key, "level": words(f"staff.board.level.{o.level}"), "worker": o.worker,
             "when": f"{words.datetime(o.start)} – {words.datetime(o.end)}"}
            for o in overrides if o.end > now]


def override_values(override: Override) -> dict:
    """The cover form filled from a saved override, to change it."""
    return {"level": override.level, "worker": override.worker,
            "start": field_value(override.start), "end": field_value(override.end),
            "replaces": override.key}


def rotation_values(rotation: Rotation) -> dict:
    """The rotation form filled from a saved rotation, to change it."""
    return {"id": rotation.id, "level": rotation.level, "workers": " ".join(rotation.workers),
            "start": field_value(rotation.start), "shift_hours": str(rotation.shift_hours),
            "end": field_value(rotation.end) if rotation.end else ""}


def parse_rotation(values: dict) -> Rotation:
    """A Rotation from the rotation form; Invalid names the field at fault."""
    if not ROTATION_ID.fullmatch(values["id"]):
        raise Invalid("use 1 to 60 letters, digits, dots, dashes or underscores", field="id")
    hours = values["shift_hours"]
    if not hours.isdigit():
        raise Invalid("give the shift in whole hours", field="shift_hours")
    return Rotation(id=values["id"], level=values["level"],
                    workers=tuple(values["workers"].replace(",", " ").split()),
                    start=parse_field(values["start"], "start"), shift_hours=int(hours),
                    end=parse_field(values["end"], "end") if values["end"] else None)


def shift_rows(words: Words, shifts, swaps, me: str, now: datetime) -> list[dict]:
    """The signed-in worker's shifts to come, each with what a swap request names, and
    whether one is already asked for."""
    asked = {(s.level, s.start, s.end) for s in swaps if s.requester == me and s.status == "open"}
    return [{"level": s.level, "label": words(f"staff.board.level.{s.level}"),
             "when": f"{words.datetime(s.start)} – {words.datetime(s.end)}",
             "start": s.start.isoformat(), "end": s.end.isoformat(),
             "asked": (s.level, s.start, s.end) in asked}
            for s in shifts if s.end > now]


def swap_rows(words: Words, swaps, me: str | None, now: datetime) -> list[dict]:
    """The swap requests whose shift is not over: who asked, who took it, and whether the
    signed-in worker may take it."""
    return [{"id": s.id, "label": words(f"staff.board.level.{s.level}"),
             "when": f"{words.datetime(s.start)} – {words.datetime(s.end)}",
             "requester": s.requester, "accepted_by": s.accepted_by,
             "status": words(f"staff.swap.status.{s.status}"),
             "may_accept": bool(me) and s.status == "open" and s.requester != me}
            for s in swaps if s.end > now]
