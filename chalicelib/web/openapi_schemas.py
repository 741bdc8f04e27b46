"""The OpenAPI document's small hand-written schemas: responses, forms, and the helpers
that build them (``openapi.py`` puts them together)."""

from __future__ import annotations

from chalicelib.domain.appointment import OUTCOMES
from chalicelib.domain.directory import CHANNELS, LANGUAGES, SERVICES
from chalicelib.domain.escalation import STATUSES as ESCALATION_STATUSES
from chalicelib.domain.week import ABSENCE_REASONS
from chalicelib.domain.review_rules import (
    ANCHORS,
    MAX_REMINDER_DAYS,
    MAX_REMINDERS,
    REVIEW_KINDS,
    RULE_TYPES,
)

STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
INSTANT = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
ANY = {}


def obj(required: dict | None = None, optional: dict | None = None, closed=False) -> dict:
    """An object schema: ``required`` fields must be there, ``optional`` may be."""
    schema = {"type": "object", "properties": {**(required or {}), **(optional or {})}}
    if required:
        schema["required"] = sorted(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def listing(key: str, item: dict) -> dict:
    return obj({key: {"type": "array", "items": item}})


REF = "#/components/schemas/{model}"
APPOINTMENT = obj({"id": STR, "start": INSTANT, "end": INSTANT, "location": STR,
                   "status": STR}, {"case": STR, "kind": STR, "minutes": INT,
                                    "outcome": nullable({"enum": list(OUTCOMES)})})
# ``status``: the family's seat in one session of a drop-in group (``per_session``).
SESSION = obj({"id": STR, "start": INSTANT, "end": INSTANT},
              {"seats_left": INT, "status": nullable({"enum": ["seated"]})})
GROUP = obj({"id": STR, "sessions": {"type": "array", "items": SESSION}},
            {"service": STR, "office": STR, "workers": {"type": "array", "items": STR},
             "start": INSTANT, "minutes": INT, "every_days": INT, "seats": INT,
             "seats_left": INT, "waiting": INT, "per_session": BOOL,
             "worker_reminders": {"type": "array", "items": NUM},
             "cases": {"type": "array", "items": STR}})
FAMILY_GROUP = obj({"id": STR, "sessions": {"type": "array", "items": SESSION},
                    "seats_left": INT, "status": nullable({"enum": ["seated", "waiting"]})},
                   {"service": STR, "office": STR, "minutes": INT, "per_session": BOOL})
GROUP_FORM = {"application/x-www-form-urlencoded": {"schema": obj({"csrf": STR})}}
# Never the URL (a published link's token), the username or the secret's reference.
BUSY_SOURCE = obj({"kind": {"enum": ["graph", "caldav", "ics"]}, "host": STR,
                   "last_sync_at": nullable(INSTANT), "busy_count": INT,
                   "last_error": nullable(STR)})
HOLDER = nullable(obj({"worker": STR, "phone": nullable(STR)}))
NOTIFICATION = obj({"id": STR, "kind": STR, "channel": STR, "status": STR},
                   {"recipient": nullable(STR), "created_at": nullable(INSTANT),
                    "sent_at": nullable(INSTANT), "last_error": nullable(STR)})
REVIEW = obj({"id": STR, "kind": STR, "due": DAY, "status": STR},
             {"earliest": DAY, "completed_on": DAY})
REVIEW_RULE = obj(
    {"id": STR, "kind": {"enum": list(REVIEW_KINDS)}, "type": {"enum": list(RULE_TYPES)}},
    {"days": INT, "months": INT, "meeting": INT, "anchor": {"enum": list(ANCHORS)},
     "min_months": nullable(INT), "max_months": nullable(INT),
     # Days before the due date to send review-due; default [14, 3]; stored largest first.
     "reminder_days": {"type": "array", "maxItems": MAX_REMINDERS, "uniqueItems": True,
                       "items": {"type": "integer", "minimum": 0,
                                 "maximum": MAX_REMINDER_DAYS}}})
REVIEW_RULES = {"type": "array", "items": REVIEW_RULE}
ESCALATION_STATE = obj({"id": STR, "status": STR}, {"acknowledged_by": nullable(STR),
                                                     "outcome": nullable(STR)})
ESCALATION = obj({"id": STR, "code": STR, "status": {"enum": list(ESCALATION_STATUSES)},
                  "level": STR, "source": STR, "opened_at": INSTANT},
                 {"case": nullable(STR), "next_action_at": nullable(INSTANT),
                  "acknowledged_by": nullable(STR), "acknowledged_at": nullable(INSTANT),
                  "outcome": nullable(STR), "fallback_sent": {"type": "boolean"}})
SPAN = obj({"start": INSTANT, "end": INSTANT})
ABSENCE = obj({"start": INSTANT, "end": INSTANT}, {"reason": {"enum": list(ABSENCE_REASONS)}})
BOOKING = obj({"start": INSTANT, "location": {"type": "string", "minLength": 1,
                                              "maxLength": 40}})
# name_sv: the Swedish name families reading Swedish see (Kallio is Berghäll); null: name.
OFFICE = obj({"id": STR, "name": STR, "address": STR, "rooms": INT},
             {"name_sv": {**nullable(STR), "description": "the office's name in Swedish "
                                                            "(families reading Swedish see it)"}})
CASE_FIELDS = {"service": {"enum": list(SERVICES)}, "workers": {"type": "array", "items": STR},
               "start_date": DAY, "meeting_minutes": INT, "meetings_per_week": INT,
               "locations": {"type": "array", "items": STR},
               "contact": obj({"phone": nullable(STR), "email": nullable(STR),
                               "language": {"enum": list(LANGUAGES)},
                               "channels": nullable({"type": "array",
                                                     "items": {"enum": list(CHANNELS)}})}),
               "reminders": {"type": "array", "items": NUM},
               "worker_reminders": {"type": "array", "items": NUM}}
WORKER = obj({"id": STR, "name": STR, "roles": {"type": "array"}},
             {"language": {"enum": list(LANGUAGES)}})
CASE = obj({"id": STR, **CASE_FIELDS}, {"social_worker": nullable(STR),
                                        "created_at": INSTANT, "updated_at": INSTANT})
CASE_SUMMARY = obj({"id": STR, "service": STR, "workers": {"type": "array", "items": STR},
                    "social_worker": nullable(STR), "start_date": DAY, "meetings_per_week": INT,
                    "locations": {"type": "array", "items": STR}})
ROTATION = obj({"id": STR, "level": STR, "workers": {"type": "array", "items": STR},
                "start": INSTANT, "shift_hours": INT}, {"end": nullable(INSTANT)})
OVERRIDE = obj({"id": STR, "worker": STR, "level": STR, "start": INSTANT, "end": INSTANT})
OVERRIDE_IN = obj({"worker": STR, "level": {"enum": ["primary", "secondary"]}, "start": INSTANT,
                   "end": INSTANT})
SWAP = obj({"id": STR, "requester": STR, "level": STR, "start": INSTANT, "end": INSTANT,
            "status": {"enum": ["open", "accepted"]}, "asked_at": INSTANT},
           {"accepted_by": nullable(STR), "accepted_at": nullable(INSTANT)})
# When a rotation or override stops (default: now).
END_AT = obj(optional={"at": INSTANT})
STEP = obj({"notify": STR, "wait_seconds": INT})
# A paged list's ``?cursor=`` (opaque: the last page's ``cursor``, passed back) and ``?limit=``.
PAGE_QUERY = {"cursor": STR, "limit": {"type": "integer", "minimum": 1, "maximum": 100}}


def paged(key: str, item: dict) -> dict:
    """A page of a list: its items and the cursor of the next page (null on the last)."""
    schema = listing(key, item)
    schema["properties"]["cursor"] = nullable(STR)
    schema["required"] = sorted([key, "cursor"])
    return schema


FORM = {"application/x-www-form-urlencoded": {"schema": obj(
    {"csrf": STR}, {"start": STR, "location": STR, "idempotency": STR})}}
HELP_FORM = {"application/x-www-form-urlencoded": {"schema": obj(
    {"csrf": STR}, {"message": STR, "callback_phone": STR})}}
