"""Helpers for notification tests: a case, appointment items with a reminder timer, sweeps,
and what the local stage's sink (``<local dir>/notifications.log``) received."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

from chalicelib.domain.directory import Case, Contact, Office
from chalicelib.domain.workdays import HELSINKI
from chalicelib.notify.providers import FakeProvider
from chalicelib.services.notifications import sweep
from chalicelib.store.deliveries import DynamoDeliveries
from chalicelib.store.directory import DynamoDirectory
from chalicelib.store.reminders import TIMER_ATTRIBUTES, reminder_timer_fields
from chalicelib.store.tx import Transaction, batch_get

BOOKED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PUBLIC_URL = "http://127.0.0.1:8000"


def hki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def make_case(language="fi", phone="+358401234567", email=None, reminders=(24.0,)) -> Case:
    directory = DynamoDirectory()
    directory.put_office(Office("kallio", "Kallio", "Toinen linja 4", 2))
    case = Case(id=f"k-{uuid.uuid4().hex[:6]}", service="perhetyo", workers=("w1", "w2"),
                start_date=date(2026, 11, 2), meeting_minutes=90, meetings_per_week=1,
                locations=("home", "kallio"), contact=Contact(phone, email, language),
                reminders=tuple(reminders), created_at=BOOKED_AT, updated_at=BOOKED_AT)
    return directory.save_case(case)


def book(case: Case, start: datetime, location="home", now=BOOKED_AT) -> str:
    """Write an appointment item as the booking code does, with its reminder timer."""
    appointment_id = f"a-{uuid.uuid4().hex[:8]}"
    tx = Transaction()
    tx.put({"pk": f"APPT#{appointment_id}", "sk": "APPT", "case_id": case.id,
            "workers": list(case.workers), "start": start.astimezone(UTC).isoformat(),
            "end": start.astimezone(UTC).isoformat(), "location": location,
            "status": "booked", "sequence": 1,
            **reminder_timer_fields(start, case.reminders, now)}, label="appointment")
    tx.commit()
    return appointment_id


def move(appointment_id: str, case: Case, start: datetime, now: datetime) -> None:
    """Move an appointment: new start, next sequence, a fresh timer (as booking must)."""
    fields = {"start": start.astimezone(UTC).isoformat(),
              **reminder_timer_fields(start, case.reminders, now)}
    names = {f"#{n}": n for n in fields}
    sets = ", ".join(f"#{n} = :{n}" for n in fields)
    tx = Transaction()
    tx.update(f"APPT#{appointment_id}", "APPT", f"SET {sets}, #seq = #seq + :one",
              label="appointment", names={**names, "#seq": "sequence"},
              values={**{f":{n}": v for n, v in fields.items()}, ":one": 1})
    tx.commit()


def cancel(appointment_id: str) -> None:
    """Cancel as a careless caller would: status only, the timer left in place."""
    tx = Transaction()
    tx.update(f"APPT#{appointment_id}", "APPT", "SET #st = :c", label="appointment",
              names={"#st": "status"}, values={":c": "cancelled"})
    tx.commit()


def appointment(appointment_id: str) -> dict:
    return batch_get([(f"APPT#{appointment_id}", "APPT")], consistent=True)[
        (f"APPT#{appointment_id}", "APPT")]


def run(provider: FakeProvider, now: datetime):
    return sweep(DynamoDirectory(), DynamoDeliveries(), provider, now, PUBLIC_URL)


def sink_messages(local_dir) -> list[dict]:
    """Every message the local sink got, oldest first: ``{channel, to, subject, body}``."""
    log = Path(local_dir) / "notifications.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def link_path(text: str) -> str:
    """The path of the one link in a message text (what a tap on it opens)."""
    [url] = re.findall(r"https?://\S+", text)
    return urlparse(url).path


__all__ = ["TIMER_ATTRIBUTES", "appointment", "book", "cancel", "hki", "link_path", "make_case",
           "move", "run", "sink_messages"]
