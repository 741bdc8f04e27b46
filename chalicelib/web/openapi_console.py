"""The staff console's routes for the OpenAPI document (``openapi.py`` adds them).

They are HTML for people, not JSON: a signed-in member of staff carries the console's
session cookie (``tapaamo_staff``), and without one every page answers 303 to
``/staff/login``. Every form posts ``application/x-www-form-urlencoded`` with the session's
``csrf`` token; success is a 303 to the next page (POST-redirect-GET), a refusal is the
form again with the message beside its field (422) or a page in the user's language.
"""

from __future__ import annotations

STR = {"type": "string"}


def _form(*fields: str) -> dict:
    properties = {"csrf": STR, **{name: STR for name in fields}}
    return {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "properties": properties, "required": ["csrf"]}}}


PAGE, REDIRECT = (200, "html", None), (303, "redirect", None)
CASE_FORM = _form("service", "worker1", "worker2", "social_worker", "start_date",
                  "meeting_minutes", "meetings_per_week", "locations", "phone", "email",
                  "language", "channels", "reminders")
WORKER_FORM = _form("id", "name", "email", "phone", "office", "language", "roles", "editing")
OFFICE_FORM = _form("id", "name", "name_sv", "address", "rooms", "editing")
# Times are <input type="datetime-local"> values, Helsinki wall-clock time.
SPAN_FORM = _form("worker", "start", "end", "reason", "week", "case")
BOOK_FORM = _form("worker", "case", "start", "minutes", "kind", "location", "after_hours",
                  "week")

# The same rows as ``openapi.OPERATIONS``; who "console" is the session cookie.
OPERATIONS = [
    ("GET", "/staff/login", "Console: to the identity provider (code flow + PKCE); "
     "with signed_out, the signed-out page", "console", None, PAGE),
    ("GET", "/staff/callback", "Console: the identity provider's answer", "public", None,
     REDIRECT),
    ("GET", "/staff/logout", "Console: sign out? (page)", "console", None, PAGE),
    ("POST", "/staff/logout", "Console: sign out here and at the provider", "console",
     _form(), REDIRECT),
    ("GET", "/staff", "Console: home (next meetings, deadlines)", "console", None, PAGE),
    ("GET", "/staff/cases", "Console: the case list", "console", None, PAGE),
    ("GET", "/staff/cases/new", "Console: new case (form)", "console", None, PAGE),
    ("POST", "/staff/cases", "Console: create a case", "console", CASE_FORM, REDIRECT),
    ("GET", "/staff/cases/{case_id}", "Console: a case", "console", None, PAGE),
    ("POST", "/staff/cases/{case_id}", "Console: change a case", "console", CASE_FORM,
     REDIRECT),
    ("GET", "/staff/cases/{case_id}/edit", "Console: edit a case (form)", "console", None,
     PAGE),
    ("GET", "/staff/cases/{case_id}/audit", "Console: a case's access log", "console", None,
     PAGE),
    ("POST", "/staff/cases/{case_id}/links", "Console: issue (and send) a booking link",
     "console", _form("send"), PAGE),
    ("POST", "/staff/cases/{case_id}/links/revoke", "Console: revoke the booking links",
     "console", _form(), REDIRECT),
    ("POST", "/staff/cases/{case_id}/reviews/{review_id}/complete",
     "Console: mark a review done", "console", _form(), REDIRECT),
    ("GET", "/staff/outcomes", "Console: my meetings that ended without an outcome (the "
     "morning digest links here)", "console", None, PAGE),
    ("POST", "/staff/appointments/{appointment_id}/outcome", "Console: record a meeting's "
     "outcome (held, no-show, cancelled-late; back=case|outcomes: where to return)",
     "console", _form("outcome", "back"), REDIRECT),
    ("GET", "/staff/feed", "Console: my calendar subscription (how to add it; make a new "
     "link)", "console", None, PAGE),
    ("POST", "/staff/feed", "Console: make a new feed link, shown once on the page this "
     "answers with (webcal, https, QR code); the old link answers 410", "console", _form(),
     PAGE),
    ("GET", "/staff/workers", "Console: workers", "console", None, PAGE),
    ("GET", "/staff/workers/new", "Console: new worker (form)", "console", None, PAGE),
    ("GET", "/staff/workers/{worker_id}/edit", "Console: edit a worker (form)", "console",
     None, PAGE),
    ("POST", "/staff/workers", "Console: save a worker", "console", WORKER_FORM, REDIRECT),
    ("GET", "/staff/workers/{worker_id}/calendar",
     "Console: a worker's own calendar (busy source status; coordinators and the worker)",
     "console", None, PAGE),
    ("POST", "/staff/workers/{worker_id}/calendar/sync",
     "Console: sync the worker's own calendar now", "console", _form(), REDIRECT),
    ("GET", "/staff/offices", "Console: offices", "console", None, PAGE),
    ("GET", "/staff/offices/new", "Console: new office (form)", "console", None, PAGE),
    ("GET", "/staff/offices/{office_id}/edit", "Console: edit an office (form)", "console",
     None, PAGE),
    ("POST", "/staff/offices", "Console: save an office", "console", OFFICE_FORM, REDIRECT),
    ("GET", "/staff/oncall", "Console: on call now and the next 14 days' coverage, gaps "
     "marked", "console", None, PAGE),
    ("GET", "/staff/oncall/cover", "Console: add a cover (form, prefilled from a gap)",
     "console", None, PAGE),
    ("POST", "/staff/oncall/cover", "Console: preview a cover (step=preview: the coverage "
     "with it, nothing saved) or save it (step=save: 303)", "console",
     _form("worker", "level", "start", "end", "replaces", "step"), PAGE),
    ("POST", "/staff/oncall/overrides/end", "Console: end a cover now (one still to come "
     "is removed)", "console", _form("override"), REDIRECT),
    ("GET", "/staff/oncall/rotations/new", "Console: new rotation (form)", "console", None,
     PAGE),
    ("GET", "/staff/oncall/rotations/{rotation_id}/edit", "Console: change a rotation (form)",
     "console", None, PAGE),
    ("POST", "/staff/oncall/rotations", "Console: preview a rotation (step=preview) or save "
     "it (step=save: 303)", "console",
     _form("id", "level", "workers", "start", "shift_hours", "end", "editing", "step"), PAGE),
    ("GET", "/staff/oncall/rotations/{rotation_id}/end", "Console: end a rotation (form)",
     "console", None, PAGE),
    ("POST", "/staff/oncall/rotations/{rotation_id}/end", "Console: preview a rotation's end "
     "(step=preview) or save it (step=save: 303)", "console", _form("at", "step"), PAGE),
    ("POST", "/staff/oncall/swaps", "Console: ask for a swap of one's own shift (a worker)",
     "console", _form("level", "start", "end"), REDIRECT),
    ("POST", "/staff/oncall/swaps/{swap_id}/accept", "Console: take a shift offered for a "
     "swap (another worker)", "console", _form(), REDIRECT),
    ("GET", "/staff/oncall/policy", "Console: the escalation policy (form) and who it "
     "pages when", "console", None, PAGE),
    ("POST", "/staff/oncall/policy", "Console: preview a policy's timeline (step=preview) or "
     "save it (step=save: 303)", "console",
     _form("repeat", "step", *(f"{name}-{i}" for i in range(3) for name in ("notify", "wait"))),
     PAGE),
    ("GET", "/staff/escalations", "Console: the help request board (open, unanswered, "
     "acknowledged; refreshes itself)", "console", None, PAGE),
    ("POST", "/staff/escalations/{escalation_id}/ack", "Console: acknowledge a request",
     "console", _form(), REDIRECT),
    ("POST", "/staff/escalations/{escalation_id}/resolve", "Console: resolve a request",
     "console", _form("outcome"), REDIRECT),
    ("GET", "/staff/week", "Console: my week (Monday–Sunday, Helsinki) beside my pair's busy "
     "times and the family's free slots; the calendar forms", "console", None, PAGE),
    ("POST", "/staff/week/absences", "Console: add an absence (reason: a code)", "console",
     SPAN_FORM, REDIRECT),
    ("POST", "/staff/week/extra-hours", "Console: open extra hours (evening, weekend)",
     "console", SPAN_FORM, REDIRECT),
    ("POST", "/staff/week/appointments", "Console: book for a family (a crisis meeting with "
     "after_hours, a reason code, may fall outside 07–20)", "console", BOOK_FORM, REDIRECT),
    ("GET", "/staff/appointments/{appointment_id}", "Console: an appointment: move or cancel "
     "(forms)", "console", None, PAGE),
    ("POST", "/staff/appointments/{appointment_id}/move", "Console: move an appointment",
     "console", _form("start", "location"), REDIRECT),
    ("POST", "/staff/appointments/{appointment_id}/cancel", "Console: cancel an appointment "
     "(the family is told)", "console", _form(), REDIRECT),
    ("GET", "/staff/team", "Console: the team's two weeks (workers × days: booked hours, "
     "absences) and who is free (coordinators)", "console", None, PAGE),
]
QUERIES = {
    "/staff/login": {"next": STR, "signed_out": STR},
    "/staff/callback": {"code": STR, "state": STR, "error": STR},
    "/staff/cases": {"worker": STR, "service": STR, "office": STR},
    "/staff/cases/{case_id}": {"notice": STR},
    "/staff/outcomes": {"notice": STR},
    "/staff/oncall": {"notice": STR},
    "/staff/oncall/policy": {"notice": STR},
    "/staff/oncall/cover": {"level": STR, "start": STR, "end": STR, "edit": STR},
    "/staff/week": {"week": STR, "worker": STR, "case": STR, "notice": STR},
    "/staff/team": {"week": STR, "office": STR, "worker1": STR, "worker2": STR,
                    "minutes": STR, "place": STR},
}
SIGN_IN = {"303": {"description": "a redirect: to /staff/login when not signed in, to the "
                              "provider from /staff/login, or the page after a form"}}
