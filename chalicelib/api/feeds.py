"""Calendar feed endpoints: worker feed tokens, the worker feed and the family's .ics files.

Feeds are text (UTF-8) bodies, not binary types: Chalice answers 400 to a binary
response when the request's Accept header does not name it, and Google sends none.
"""

import hashlib

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import staff
from chalicelib.api.http import actor_of, endpoint, json_response
from chalicelib.domain.errors import Gone, NotFound
from chalicelib.services import feeds as use

bp = Blueprint(__name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


@endpoint(bp, "/workers/{worker_id}/feed-tokens", methods=["POST"], authorizer=staff)
def mint_feed_token(worker_id):
    actor = actor_of(bp.current_request)
    wiring = bootstrap.wiring()
    url = use.issue_feed_token(wiring.agenda, wiring.directory, actor, worker_id,
                               wiring.settings.public_url, bootstrap.now())
    return json_response({"url": url}, status=201)


# What a calendar app shows (if anything) for a replaced subscription: plain words.
REPLACED = ("Tämä kalenteriosoite on korvattu uudella. / Den här kalenderadressen har "
            "ersatts av en ny. / This calendar address was replaced by a new one.\n")


@endpoint(bp, "/feeds/{token}")
def worker_feed(token):
    wiring = bootstrap.wiring()
    try:
        ics = use.worker_feed(wiring.agenda, wiring.shared, wiring.office_names,
                              wiring.feed_sources, _strip_ics(token), bootstrap.now())
    except Gone:
        return Response(REPLACED, status_code=410,
                        headers={"Content-Type": "text/plain; charset=utf-8"})
    return calendar_response(ics)


@endpoint(bp, "/book/{token}/calendar.ics")
def family_feed(token):
    wiring = bootstrap.wiring()
    ics = use.family_feed(wiring.directory, token, bootstrap.now())
    return calendar_response(ics)


@endpoint(bp, "/book/{token}/appointments/{appointment_id}")
def family_appointment(token, appointment_id):
    wiring = bootstrap.wiring()
    ics = use.family_appointment(wiring.directory, token, _strip_ics(appointment_id),
                                 bootstrap.now())
    return calendar_response(ics, attachment=f"tapaamo-{appointment_id}")


def calendar_response(ics: bytes, attachment: str | None = None) -> Response:
    """The calendar with a strong ETag; 304 without a body when the client has it."""
    etag = f'"{hashlib.sha256(ics).hexdigest()}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300",
               "Content-Type": CONTENT_TYPE}
    if attachment:
        headers["Content-Disposition"] = f'attachment; filename="{attachment}"'
    tags = _if_none_match(bp.current_request)
    if etag in tags or "*" in tags:
        return Response("", status_code=304, headers=headers)
    return Response(ics.decode("utf-8"), status_code=200, headers=headers)


def _if_none_match(request) -> set[str]:
    header = (request.headers or {}).get("if-none-match") or ""
    return {tag.strip() for tag in header.split(",")}


def _strip_ics(segment: str) -> str:
    """Path variables are whole segments in API Gateway, so the '.ics' arrives with them."""
    if not segment.endswith(".ics"):
        raise NotFound("not found")
    return segment.removesuffix(".ics")
