"""The console's forms and the API's bodies: posted fields → API fields and back.

The forms post what a person types; the same pydantic bodies as the JSON API validate
them (``api/schemas.py``), so the console shows the API's own messages, each beside the
field it names (:func:`form_field`).
"""

from __future__ import annotations

from chalicelib.domain.directory import Case, Office, Worker

# API field (pydantic's dotted location, first part) → the form's input name.
CASE_FIELDS = {"workers": "worker1", "workers.0": "worker1", "workers.1": "worker2",
               "contact.phone": "phone", "contact.email": "email",
               "contact.language": "language", "contact.channels": "channels",
               "contact": "phone"}


def case_body(form) -> dict:
    """The ``POST /cases`` body of a posted case form (``form.field``, ``form.form``)."""
    workers = [w for w in (form.field("worker1"), form.field("worker2")) if w]
    return {
        "service": form.field("service"),
        "workers": workers,
        "social_worker": form.field("social_worker") or None,
        "start_date": form.field("start_date"),
        "meeting_minutes": _number(form.field("meeting_minutes")),
        "meetings_per_week": _number(form.field("meetings_per_week")),
        "locations": [v for v in form.form.get("locations", []) if v],
        "contact": {"phone": form.field("phone") or None, "email": form.field("email") or None,
                    "language": form.field("language") or "fi",
                    "channels": [c for c in form.form.get("channels", []) if c] or None},
        "reminders": _hours(form.field("reminders")),
    }


def case_values(case: Case | None) -> dict:
    """What a case form shows: a case's fields, or a new case's defaults."""
    if case is None:
        return {"service": "tehostettu-perhetyo", "meeting_minutes": "90",
                "meetings_per_week": "1", "locations": ["home"], "language": "fi",
                "reminders": "24"}
    workers = list(case.workers) + ["", ""]
    return {"service": case.service, "worker1": workers[0], "worker2": workers[1],
            "social_worker": case.social_worker or "", "start_date": case.start_date.isoformat(),
            "meeting_minutes": str(case.meeting_minutes),
            "meetings_per_week": str(case.meetings_per_week), "locations": list(case.locations),
            "phone": case.contact.phone or "", "email": case.contact.email or "",
            "language": case.contact.language, "channels": list(case.contact.channels or ()),
            "reminders": hours_text(case.reminders)}


def posted_case_values(form) -> dict:
    """The case form's values as posted (shown again beside the messages)."""
    names = ("service", "worker1", "worker2", "social_worker", "start_date", "meeting_minutes",
             "meetings_per_week", "phone", "email", "language", "reminders")
    return {**{n: form.field(n) for n in names}, "locations": form.form.get("locations", []),
            "channels": form.form.get("channels", [])}


def worker_body(form) -> dict:
    """The ``PUT /workers/{id}`` body of a posted worker form."""
    return {"name": form.field("name"), "email": form.field("email") or None,
            "phone": form.field("phone") or None, "office": form.field("office") or None,
            "roles": [r for r in form.form.get("roles", []) if r] or ["instructor"],
            "language": form.field("language") or "fi"}


def worker_values(worker: Worker | None) -> dict:
    if worker is None:
        return {"roles": ["instructor"]}
    return {"id": worker.id, "name": worker.name, "email": worker.email or "",
            "phone": worker.phone or "", "office": worker.office or "",
            "roles": list(worker.roles), "language": worker.language}


def office_body(form) -> dict:
    """The ``PUT /offices/{id}`` body of a posted office form."""
    return {"name": form.field("name"), "name_sv": form.field("name_sv") or None,
            "address": form.field("address"), "rooms": _number(form.field("rooms"))}


def office_values(office: Office | None) -> dict:
    if office is None:
        return {"rooms": "1"}
    return {"id": office.id, "name": office.name, "name_sv": office.name_sv or "",
            "address": office.address, "rooms": str(office.rooms)}


def form_error(error, mapping: dict | None = None) -> dict[str, str]:
    """``{input name: message}`` for a refusal, without the API's ``field:`` prefix."""
    message = error.message
    if error.field and message.startswith(f"{error.field}: "):
        message = message[len(error.field) + 2:]
    return {form_field(error.field, mapping): message}


def form_field(api_field: str | None, mapping: dict | None = None) -> str:
    """The form input an API message belongs beside (``contact.phone`` → ``phone``)."""
    if not api_field:
        return "form"
    mapping = mapping or {}
    parts = api_field.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in mapping:
            return mapping[prefix]
    return parts[0]


def hours_text(hours) -> str:
    """``24, 2.5`` for reminder hours (no trailing ``.0``)."""
    return ", ".join(f"{h:g}" for h in hours)


def _number(text: str):
    """An int when it is one; else the text, so the API's validator names the field."""
    try:
        return int(text)
    except ValueError:
        return text or None


def _hours(text: str) -> list:
    hours = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace(",", ".")
        if part:
            try:
                hours.append(float(part))
            except ValueError:
                hours.append(part)  # the API names the field and says what it wants
    return hours
