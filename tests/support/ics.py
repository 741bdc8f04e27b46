"""Test helpers for iCalendar feeds: byte-level checks and three independent parsers.

Every feed test should run ``assert_ics_wellformed`` and ``assert_parsers_agree``: the
first checks what RFC 5545 §3.1 asks of the bytes, the second that icalendar,
recurring-ical-events and ical.js (Thunderbird's parser, run with node) read the same
events at the same instants. Each parser gives a list of dicts with the keys uid, summary,
status, sequence, all_day, start, end; timed starts/ends are aware UTC datetimes, all-day
ones dates.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import recurring_ical_events
from icalendar import Calendar

from chalicelib.domain.workdays import HELSINKI

ROOT = Path(__file__).resolve().parents[2]
ICALJS_SCRIPT = ROOT / "tests" / "js" / "ics_instants.mjs"
MAX_LINE_OCTETS = 75


def assert_ics_wellformed(ics: bytes) -> Calendar:
    """Assert the bytes are a UTF-8, CRLF, 75-octet-folded calendar icalendar can read.

    Also checks that each physical line is valid UTF-8 on its own (folding never splits
    a character), that there is no byte-order mark, and that every TZID used is defined
    by exactly one VTIMEZONE in the stream.

    Returns:
        The calendar as icalendar parsed it.
    """
    assert not ics.startswith(b"\xef\xbb\xbf"), "byte-order mark"
    ics.decode("utf-8")  # strict: raises on invalid UTF-8
    assert ics.endswith(b"\r\n"), "the last line must end with CRLF"
    lines = ics[: -len(b"\r\n")].split(b"\r\n")
    for number, line in enumerate(lines, start=1):
        assert b"\n" not in line and b"\r" not in line, f"line {number}: bare CR or LF"
        assert len(line) <= MAX_LINE_OCTETS, f"line {number}: {len(line)} octets"
        line.decode("utf-8")  # a fold inside a multi-byte character fails here
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"

    calendar = Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
    defined = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert len(defined) == len(set(defined)), f"duplicate VTIMEZONE: {defined}"
    used = {
        str(event[name].params["TZID"])
        for event in calendar.walk("VEVENT")
        for name in ("DTSTART", "DTEND")
        if name in event and "TZID" in event[name].params
    }
    assert used <= set(defined), f"TZID without VTIMEZONE: {used - set(defined)}"
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event, f"VEVENT without {required}"
    return calendar


def parse_with_icaljs(ics: bytes) -> list[dict]:
    """The events as ical.js reads them, using only the VTIMEZONEs in the stream.

    Raises:
        AssertionError: If node or ical.js is missing, or ical.js rejects the stream.
    """
    node = shutil.which("node")
    assert node, "node is not installed; ical.js checks need it"
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `npm ci --no-audit --no-fund`"
    result = subprocess.run(
        [node, str(ICALJS_SCRIPT)], input=ics, capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"ical.js rejected the feed: {result.stderr.decode()}"
    return [
        {**event, "start": _time(event["start"]), "end": _time(event["end"])}
        for event in json.loads(result.stdout)
    ]


def parse_with_icalendar(ics: bytes) -> list[dict]:
    """The events as the icalendar package reads them."""
    return [_summary(event) for event in Calendar.from_ical(ics).walk("VEVENT")]


def parse_with_recurring_ical_events(ics: bytes) -> list[dict]:
    """The events as recurring-ical-events expands them (each occurs once here)."""
    return [_summary(event) for event in recurring_ical_events.of(Calendar.from_ical(ics)).all()]


def assert_parsers_agree(ics: bytes) -> list[dict]:
    """Assert all three parsers read the same events, and return them sorted by uid.

    One known exception: recurring-ical-events turns UTC values into X-WR-TIMEZONE wall
    time and then loses ``fold``, so it misreads events with a start or end in the
    autumn fold hour (03:00-04:00 local, which happens twice; see the strict xfail in
    tests/unit/test_ical.py). For those events only its start/end are not compared.
    """
    icaljs = _by_uid(parse_with_icaljs(ics))
    assert _by_uid(parse_with_icalendar(ics)) == icaljs
    expanded = _by_uid(parse_with_recurring_ical_events(ics))
    assert [event["uid"] for event in expanded] == [event["uid"] for event in icaljs]
    for mine, reference in zip(expanded, icaljs, strict=True):
        skipped = {"start", "end"} if touches_fold_hour(reference) else set()
        for key in reference.keys() - skipped:
            assert mine[key] == reference[key], f"{reference['uid']} {key}: {mine[key]}"
    return icaljs


def touches_fold_hour(event: dict) -> bool:
    """True if the event starts or ends at a Helsinki wall time that happens twice."""
    return any(
        isinstance(value, datetime) and _ambiguous(value.astimezone(HELSINKI))
        for value in (event["start"], event["end"])
    )


def _ambiguous(wall: datetime) -> bool:
    return wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset()


def _by_uid(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda event: event["uid"])


def _summary(event) -> dict:
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    return {
        "uid": str(event["UID"]),
        "summary": str(event.get("SUMMARY", "")),
        "status": str(event["STATUS"]) if "STATUS" in event else None,
        "sequence": int(event.get("SEQUENCE", 0)),
        "all_day": not isinstance(start, datetime),
        "start": _utc(start),
        "end": _utc(end),
    }


def _utc(value: date | datetime) -> date | datetime:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def _time(text: str) -> date | datetime:
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
