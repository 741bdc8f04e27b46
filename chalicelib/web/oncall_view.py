"""What the on-call pages show: coverage pieces as rows, gaps marked, the cover form's values."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import Invalid
from chalicelib.domain.workdays import HELSINKI, local
from chalicelib.services.oncall_board import Coverage
from chalicelib.web.i18n import Words

FIELD_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">, Helsinki wall-clock time


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
