"""The OpenAPI 3.1 document of the whole HTTP API, built from a compact table.

Request bodies validated with pydantic take their JSON Schema from the models, so the
document cannot drift from them; the rest are small hand-written schemas. It is built on
the first ``GET /openapi.json``, never at import (pydantic is heavy for a cold start).
"""

from __future__ import annotations

from functools import lru_cache

from chalicelib.domain.appointment import AFTER_HOURS_REASONS, KINDS, OUTCOMES
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
from chalicelib.web import openapi_console as console
from chalicelib.web.openapi_links import LINKS

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

# (method, path, summary, who, request body (schema, a pydantic model name or None),
#  (status or (statuses), kind, schema)). who: "staff" (bearer), "link" (the token in the
#  path is the credential), "public", "signed" (HMAC of the body). kind: json, html, ics,
#  static, svg, none.
OPERATIONS = [
    ("GET", "/health",
     "Liveness (no database); ?deep=1 also reads the table: 503 with Retry-After when it "
     "does not answer", "public", None,
     (200, "json", obj({"status": STR}, {"table": STR}))),
    ("GET", "/openapi.json", "This document", "public", None, (200, "json", obj())),
    ("GET", "/offices", "List offices", "staff", None, (200, "json", listing("offices", OFFICE))),
    ("PUT", "/offices/{office_id}", "Create or replace an office", "staff", "OfficeIn",
     (200, "json", OFFICE)),
    ("GET", "/workers", "The staff directory, a page at a time (coordinator)", "staff", None,
     (200, "json", paged("workers", WORKER))),
    ("PUT", "/workers/{worker_id}", "Create (201) or replace (200) a worker", "staff",
     "WorkerIn", ((201, 200), "json", WORKER)),
    ("GET", "/workers/{worker_id}", "A worker", "staff", None, (200, "json", WORKER)),
    ("POST", "/workers/{worker_id}/absences", "Mark an absence (reason: a code, no free text)", "staff", ABSENCE,
     (201, "json", obj({"id": STR}))),
    ("POST", "/workers/{worker_id}/extra-hours", "Open extra hours", "staff", SPAN,
     (201, "json", obj({"id": STR}))),
    ("GET", "/workers/{worker_id}/appointments", "A worker's appointments", "staff", None,
     (200, "json", listing("appointments", obj()))),
    ("POST", "/workers/{worker_id}/feed-tokens", "A new calendar feed URL", "staff", None,
     (201, "json", obj({"url": STR}))),
    ("PUT", "/workers/{worker_id}/busy-source",
     "Read busy times from the worker's own calendar (coordinator or the worker)", "staff",
     "BusySourceIn", (200, "json", BUSY_SOURCE)),
    ("GET", "/workers/{worker_id}/busy-source", "The busy source and its last sync", "staff",
     None, (200, "json", BUSY_SOURCE)),
    ("DELETE", "/workers/{worker_id}/busy-source", "Stop reading it; its busy times go",
     "staff", None, (204, "none", None)),
    ("POST", "/workers/{worker_id}/busy-source/sync", "Sync it now (queued)", "staff", None,
     (202, "json", obj({"status": STR}))),
    ("GET", "/cases", "Cases, a page at a time (coordinator: all or ?worker=; a worker: "
     "their own); audited", "staff", None, (200, "json", paged("cases", CASE_SUMMARY))),
    ("POST", "/cases", "Open a case", "staff", "CaseIn", (201, "json", CASE)),
    ("GET", "/cases/{case_id}", "A case (audited)", "staff", None, (200, "json", CASE)),
    ("PATCH", "/cases/{case_id}", "Change a case (partial)", "staff",
     obj(optional={**CASE_FIELDS, "social_worker": nullable(STR)}), (200, "json", CASE)),
    ("GET", "/cases/{case_id}/audit", "Who read or changed the case", "staff", None,
     (200, "json", listing("entries", obj({"at": INSTANT, "actor": STR, "action": STR})))),
    ("POST", "/cases/{case_id}/booking-links",
     "Issue a booking link; with send, also send it to the family (422 no_contact when the "
     "case has no phone/e-mail for that channel)", "staff",
     obj(optional={"valid_days": {"type": "integer", "minimum": 1, "maximum": 365,
                                  "default": 30},
                   "send": nullable({"enum": list(CHANNELS)})}),
     (201, "json", obj({"url": STR, "token": STR, "expires_at": INSTANT,
                        "sent": nullable({"enum": list(CHANNELS)})}))),
    ("DELETE", "/cases/{case_id}/booking-links", "Revoke every link", "staff", None,
     (204, "none", None)),
    ("GET", "/cases/{case_id}/reviews", "Plan and review deadlines", "staff", None,
     (200, "json", listing("reviews", REVIEW))),
    ("POST", "/cases/{case_id}/reviews/{review_id}/complete", "Complete a review", "staff",
     obj(optional={"date": DAY}), (200, "json", REVIEW)),
    ("GET", "/review-rules/{service}", "Review rules of a service", "staff", None,
     (200, "json", obj({"service": STR, "rules": REVIEW_RULES}))),
    ("PUT", "/review-rules/{service}",
     "Replace the review rules (the service's cases are recomputed in the background)", "staff",
     obj({"rules": REVIEW_RULES}), (200, "json", obj({"service": STR, "rules": REVIEW_RULES}))),
    ("POST", "/appointments",
     "Book as staff; with an outcome, record a meeting that already took place; a crisis "
     "meeting with a reason may fall outside working hours", "staff",
     obj({"case": STR, "start": INSTANT, "location": STR},
         {"minutes": INT, "kind": {"enum": list(KINDS)}, "outcome": {"enum": list(OUTCOMES)},
          "reason": {"enum": list(AFTER_HOURS_REASONS)}}),
     (201, "json", APPOINTMENT)),
    ("POST", "/appointments/{appointment_id}/cancel", "Cancel as staff", "staff", None,
     (200, "json", APPOINTMENT)),
    ("POST", "/appointments/{appointment_id}/outcome",
     "Record how a meeting went (a final meeting held sends the feedback link)", "staff",
     obj({"outcome": {"enum": list(OUTCOMES)}}), (200, "json", APPOINTMENT)),
    ("POST", "/groups", "Create a peer-support group: every session booked", "staff",
     "GroupIn", (201, "json", GROUP)),
    ("GET", "/groups/{group_id}", "A group (coordinators and its leaders)", "staff", None,
     (200, "json", GROUP)),
    ("PATCH", "/groups/{group_id}",
     "Change a group's seats, invitations, sessions ahead (time), leaders or office", "staff",
     "GroupPatch", (200, "json", GROUP)),
    ("POST", "/groups/{group_id}/sessions/{session_id}/cancel",
     "Cancel one session ahead (coordinators and the group's leaders); its families are told",
     "staff", None, (200, "json", GROUP)),
    ("PUT", "/feedback-surveys/{service}", "Set a service's feedback survey link", "staff",
     obj({"url": {"type": "string", "format": "uri", "pattern": "^https://",
                  "maxLength": 500}}), (200, "json", obj({"service": STR, "url": STR}))),
    ("GET", "/notifications", "A case's or escalation's messages", "staff", None,
     (200, "json", listing("notifications", NOTIFICATION))),
    ("GET", "/oncall/rotations", "The rotations, a page at a time", "staff", None,
     (200, "json", paged("rotations", ROTATION))),
    ("POST", "/oncall/rotations", "Add or replace (edit) a rotation; end: it stops there",
     "staff", obj({"id": STR, "level": {"enum": ["primary", "secondary"]},
                   "workers": {"type": "array", "items": STR}, "start": INSTANT,
                   "shift_hours": INT}, {"end": nullable(INSTANT)}),
     (201, "json", ROTATION)),
    ("POST", "/oncall/rotations/{rotation_id}/end", "Stop a rotation at an instant (default: "
     "now); the shift running then is cut short", "staff", END_AT, (200, "json", ROTATION)),
    ("GET", "/oncall/overrides", "The overrides kept (the last 90 days' and every future one)",
     "staff", None, (200, "json", listing("overrides", OVERRIDE))),
    ("POST", "/oncall/overrides", "Cover a span", "staff", OVERRIDE_IN,
     (201, "json", OVERRIDE)),
    ("PUT", "/oncall/overrides/{override_id}", "Change an override (its id is from the list)",
     "staff", OVERRIDE_IN, (200, "json", OVERRIDE)),
    ("POST", "/oncall/overrides/{override_id}/end", "Cut an override short at an instant "
     "(default: now); one not begun by then is removed", "staff", END_AT, (204, "none", None)),
    ("GET", "/oncall/swaps", "Shift swap requests, open and accepted (the last 30 days')",
     "staff", None, (200, "json", listing("swaps", SWAP))),
    ("POST", "/oncall/swaps", "Ask for a swap of one of one's own shifts (a worker)", "staff",
     obj({"level": {"enum": ["primary", "secondary"]}, "start": INSTANT, "end": INSTANT}),
     (201, "json", SWAP)),
    ("POST", "/oncall/swaps/{swap_id}/accept", "Take a shift offered for a swap (another "
     "worker): an override for it, and a message to the asking worker", "staff", obj(),
     (200, "json", SWAP)),
    ("GET", "/oncall/policy", "The escalation policy in force (default: none was put)",
     "staff", None, (200, "json", obj({"steps": {"type": "array", "items": STEP},
                                       "repeat": INT, "default": BOOL}))),
    ("PUT", "/oncall/policy", "The escalation policy", "staff",
     obj({"steps": {"type": "array", "items": STEP}},
         {"repeat": INT}), (200, "json", obj({"steps": {"type": "array"}}))),
    ("GET", "/oncall/now", "Who is on call", "staff", None,
     (200, "json", obj({"primary": HOLDER, "secondary": HOLDER}))),
    ("GET", "/oncall/gaps", "Spans with nobody on call (dates: whole Helsinki days)", "staff",
     None,
     (200, "json", listing("gaps", obj({"level": STR, "start": INSTANT, "end": INSTANT})))),
    ("POST", "/escalations", "Ask the on-call worker for help", "staff", "EscalationIn",
     (201, "json", obj({"id": STR, "status": STR}))),
    ("GET", "/escalations", "Escalations by status or short code (a worker: their own)",
     "staff", None, (200, "json", obj({"escalations": {"type": "array", "items": ESCALATION},
                                       "cursor": nullable(STR)}))),
    ("GET", "/escalations/{escalation_id}", "An escalation and its messages", "staff", None,
     (200, "json", obj({"id": STR, "status": STR, "notifications": {"type": "array"}}))),
    ("POST", "/escalations/{escalation_id}/ack", "Acknowledge", "staff", None,
     (200, "json", ESCALATION_STATE)),
    ("POST", "/escalations/{escalation_id}/resolve", "Resolve", "staff",
     obj(optional={"outcome": STR}), (200, "json", ESCALATION_STATE)),
    ("GET", "/ack/{token}", "The one-time acknowledgement page", "link", None,
     (200, "html", None)),
    ("POST", "/ack/{token}", "Acknowledge by the one-time link", "link", None,
     (200, "html", None)),
    ("POST", "/hooks/missed-call", "The phone system's missed call", "signed", "MissedCallIn",
     (201, "json", obj({"id": STR, "status": STR}))),
    ("GET", "/feeds/{token}", "A worker's calendar feed ({token} ends in .ics)", "link", None,
     (200, "ics", None)),
    ("GET", "/book/{token}", "The family's booking page", "link", None, (200, "html", None)),
    ("GET", "/book/{token}/slots", "Free slots", "link", None,
     (200, "json", listing("slots", obj({"start": INSTANT, "end": INSTANT,
                                         "locations": {"type": "array", "items": STR}})))),
    ("POST", "/book/{token}/appointments", "Book", "link", BOOKING,
     (201, "json", APPOINTMENT)),
    ("GET", "/book/{token}/appointments", "The family's appointments", "link", None,
     (200, "json", listing("appointments", APPOINTMENT))),
    ("GET", "/book/{token}/appointments/{appointment_id}",
     "One appointment as a calendar file ({appointment_id} ends in .ics)", "link", None,
     (200, "ics", None)),
    ("POST", "/book/{token}/appointments/{appointment_id}/cancel", "Cancel", "link", None,
     (200, "json", APPOINTMENT)),
    ("POST", "/book/{token}/appointments/{appointment_id}/move", "Move", "link", BOOKING,
     (200, "json", APPOINTMENT)),
    ("GET", "/book/{token}/calendar.ics", "The family's calendar", "link", None,
     (200, "ics", None)),
    ("GET", "/book/{token}/groups", "Groups the family may join, with its own place",
     "link", None, (200, "json", listing("groups", FAMILY_GROUP))),
    ("POST", "/book/{token}/groups/{group_id}/seats",
     "Take a seat, or a place in line when full (waiting_list false: 409 group_full); "
     "a drop-in group's seat is for one session", "link", "SeatIn",
     (201, "json", obj({"status": {"enum": ["seated", "waiting"]}}))),
    ("POST", "/book/{token}/groups/{group_id}/seats/cancel",
     "Give up the seat or place in line (a freed seat goes to the first in line)", "link",
     "SeatCancel", (200, "json", obj({"status": {"enum": ["cancelled"]}}))),
    ("POST", "/book/{token}/page/groups/{group_id}/seat", "Take a seat (form)", "link",
     GROUP_FORM, (303, "redirect", None)),
    ("POST", "/book/{token}/page/groups/{group_id}/leave", "Leave a group (form)", "link",
     GROUP_FORM, (303, "redirect", None)),
    ("POST", "/book/{token}/help", "We need help now", "link", "HelpIn",
     (201, "json", obj({"escalation_id": STR}))),
    ("GET", "/book/{token}/page/confirm", "Confirm a time (page)", "link", None,
     (200, "html", None)),
    ("POST", "/book/{token}/page/book", "Book (form)", "link", FORM, (303, "redirect", None)),
    ("POST", "/book/{token}/page/move/{appointment_id}", "Move (form)", "link", FORM,
     (303, "redirect", None)),
    ("GET", "/book/{token}/page/booked/{appointment_id}", "Booked (page)", "link", None,
     (200, "html", None)),
    ("GET", "/book/{token}/page/cancel/{appointment_id}", "Cancel? (page)", "link", None,
     (200, "html", None)),
    ("POST", "/book/{token}/page/cancel/{appointment_id}", "Cancel (form)", "link", FORM,
     (303, "redirect", None)),
    ("POST", "/book/{token}/page/help", "We need help now (form)", "link", HELP_FORM,
     (303, "redirect", None)),
    ("GET", "/book/{token}/page/help-sent", "Help is coming (page)", "link", None,
     (200, "html", None)),
    ("GET", "/static/{name}", "The page's stylesheet and script (content-hashed names)", "public",
     None, (200, "static", None)),
    ("GET", "/favicon.ico", "The site icon (SVG)", "public", None, (200, "svg", None)),
    *console.OPERATIONS,
]
# Query parameters of the GET on each path.
QUERIES = {
    **console.QUERIES,
    "/book/{token}/slots": {"from": DAY, "days": {"type": "integer", "minimum": 1, "maximum": 28}},
    "/workers/{worker_id}/appointments": {"from": DAY, "to": DAY},
    "/workers": PAGE_QUERY,
    "/cases": {"worker": STR, **PAGE_QUERY},
    "/notifications": {"case": STR, "escalation": STR},
    "/escalations": {"status": {"enum": list(ESCALATION_STATUSES)}, "code": STR,
                     "cursor": STR, "limit": {"type": "integer", "minimum": 1, "maximum": 100}},
    "/ack/{token}": {"lang": {"enum": ["fi", "sv", "en"]}},
    "/oncall/now": {"at": INSTANT},
    # A date as ``from`` is its day's 00:00 in Helsinki, as ``to`` the end of its day.
    "/oncall/gaps": {"from": {"anyOf": [INSTANT, DAY]}, "to": {"anyOf": [INSTANT, DAY]}},
    "/oncall/rotations": PAGE_QUERY,
    "/health": {"deep": {"enum": ["1", "true", "yes"]}},
    "/book/{token}": {"week": DAY, "day": DAY, "place": STR, "move": STR, "notice": STR,
                      "lang": {"enum": ["fi", "sv", "en"]}},
    "/book/{token}/page/confirm": {"start": INSTANT, "place": STR, "move": STR},
}
REQUIRED_QUERIES = {("/oncall/gaps", "from"), ("/oncall/gaps", "to")}
MEDIA = {"json": "application/json", "html": "text/html", "ics": "text/calendar",
         "svg": "image/svg+xml"}
MODELS = ("OfficeIn", "WorkerIn", "CaseIn", "EscalationIn", "HelpIn", "MissedCallIn",
          "BusySourceIn", "GroupIn", "GroupPatch", "SeatIn", "SeatCancel")
# Refusals come in the contract's shape; the gateway's own (a missing bearer header, a
# content type no route takes) in Chalice's.
ERROR = obj({"error": obj({"code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                           "message": STR}, {"field": STR})})
GATEWAY_ERROR = {"anyOf": [obj({"message": STR}), obj({"Code": STR, "Message": STR})]}


@lru_cache(maxsize=1)
def document() -> dict:
    """The OpenAPI document (built once per container)."""
    paths: dict = {}
    for method, path, summary, who, body, success in OPERATIONS:
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, summary, who,
                                                                body, success)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tapaamo", "version": "1",
                 "description": "Scheduling and reminders for child-welfare family work."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR, "GatewayError": GATEWAY_ERROR, **_model_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
        },
    }


def _operation(method, path, summary, who, body, success) -> dict:
    statuses, kind, schema = success
    statuses = statuses if isinstance(statuses, tuple) else (statuses,)
    operation = {"summary": summary, "operationId": f"{method.lower()} {path}",
                 "parameters": _parameters(method, path),
                 "responses": {**{str(s): _content(kind, schema) for s in statuses},
                               **_refusals(kind, who)}}
    if (method, path) in LINKS:
        operation["responses"][str(statuses[0])]["links"] = LINKS[(method, path)]
    if who == "staff":
        operation["security"] = [{"bearer": []}]
    if who == "console":
        operation["responses"].update(console.SIGN_IN)
    if body is not None:
        operation["requestBody"] = _body(body)
    return operation


def _parameters(method: str, path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    found = [{"name": n, "in": "path", "required": True,
              "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,120}$"}}
             for n in names]
    for name, schema in (QUERIES.get(path, {}) if method == "GET" else {}).items():
        found.append({"name": name, "in": "query", "schema": schema,
                      "required": (path, name) in REQUIRED_QUERIES})
    if path == "/hooks/missed-call":
        found.append({"name": "X-Tapaamo-Signature", "in": "header", "required": True,
                      "schema": STR, "description": "sha256=<hex HMAC-SHA256 of the body>"})
    return found


def _content(kind: str, schema: dict | None) -> dict:
    if kind in ("none", "redirect"):
        return {"description": "no body"}
    if kind == "static":
        return {"description": "OK", "content": {"text/css": {"schema": STR},
                                                 "text/javascript": {"schema": STR}}}
    media = MEDIA[kind]
    return {"description": "OK", "content": {media: {"schema": schema or STR}}}


def _refusals(kind: str, who: str) -> dict:
    if kind in ("static", "svg"):  # a stylesheet or script that is not there; the icon is
        refusal = {"description": "refused", "content": {"text/plain": {"schema": STR}}}
    elif kind in ("json", "ics", "none"):
        error = {"anyOf": [{"$ref": REF.format(model="Error")},
                           {"$ref": REF.format(model="GatewayError")}]}
        refusal = {"description": "refused", "content": {"application/json": {"schema": error}}}
    else:  # HTML routes refuse with pages; the gateway (e.g. 415) in its own JSON
        refusal = {"description": "refused", "content": {
            "text/html": {"schema": STR},
            "application/json": {"schema": {"$ref": REF.format(model="GatewayError")}}}}
    answers = {"4XX": refusal, "503": {"description": "busy: retry after Retry-After",
                                       **refusal}}
    if kind == "ics":
        answers["304"] = {"description": "not modified (If-None-Match; a worker feed's "
                                         "weak ETag follows the feed's version)"}
        # A worker feed's replaced address says so in words a calendar app can show.
        answers["410"] = {"description": "a replaced feed address, or a gone booking link",
                          "content": {"text/plain": {"schema": STR},
                                      **refusal["content"]}}
    return answers


def _body(body) -> dict:
    if isinstance(body, str):
        return {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=body)}}}}
    if "application/x-www-form-urlencoded" in body:
        return {"required": True, "content": body}
    return {"required": True, "content": {"application/json": {"schema": body}}}


def _model_schemas() -> dict:
    from pydantic.json_schema import models_json_schema

    from chalicelib.api import busy_schemas, group_schemas, oncall_schemas, schemas

    modules = (schemas, oncall_schemas, busy_schemas, group_schemas)
    models = [next(getattr(m, n) for m in modules if hasattr(m, n)) for n in MODELS]
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    return top.get("$defs", {})
