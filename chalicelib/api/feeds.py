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
    wiring, token, now = bootstrap.wiring(), _strip_ics(token), bootstrap.now()
    tags = _if_none_match(bp.current_request)
    try:
        # A client that has a copy is answered from the feed record alone when it is current.
        tag = use.worker_feed_tag(wiring.agenda, token, now) if tags else None
        if tag and _matches(tag, tags):
            return _not_modified(_headers(tag))
        feed = use.worker_feed(wiring.agenda, wiring.shared, wiring.office_names,
                               wiring.feed_sources, token, now)
    except Gone:
        return Response(REPLACED, status_code=410,
                        headers={"Content-Type": "text/plain; charset=utf-8"})
    return calendar_response(feed.ics, tag=feed.tag)


@endpoint(bp, "/book/{token}/calendar.ics")
def family_feed(token):
    wiring, now = bootstrap.wiring(), bootstrap.now()
    tags = _if_none_match(bp.current_request)
    if tags and _matches(tag := use.family_feed_tag(token, now), tags):
        return _not_modified(_headers(tag))
    feed = use.family_feed(wiring.directory, token, now)
    return calendar_response(feed.ics, tag=feed.tag)


@endpoint(bp, "/book/{token}/appointments/{appointment_id}")
def family_appointment(token, appointment_id):
    wiring = bootstrap.wiring()
    ics = use.family_appointment(wiring.directory, token, _strip_ics(appointment_id),
                                 bootstrap.now())
    return calendar_response(ics, attachment=f"tapaamo-{appointment_id}")


def calendar_response(ics: bytes, attachment: str | None = None,
                      tag: str | None = None) -> Response:
    """The calendar with its ETag (``tag``, else a strong one from the bytes); 304 without
    a body when the client has it."""
    headers = _headers(tag or f'"{hashlib.sha256(ics).hexdigest()}"')
    if attachment:
        headers["Content-Disposition"] = f'attachment; filename="{attachment}"'
    if _matches(headers["ETag"], _if_none_match(bp.current_request)):
        return _not_modified(headers)
    return Response(ics.decode("utf-8"), status_code=200, headers=headers)


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": "private, max-age=300",
            "Content-Type": CONTENT_TYPE}


def _not_modified(headers: dict[str, str]) -> Response:
    return Response("", status_code=304, headers=headers)


def _if_none_match(request) -> set[str]:
    header = (request.headers or {}).get("if-none-match") or ""
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def _matches(etag: str, tags: set[str]) -> bool:
    """RFC 9110 §13.1.2: If-None-Match compares weakly (``W/`` aside, the same tag)."""
    opaque = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == opaque for t in tags)


def _strip_ics(segment: str) -> str:
    """Path variables are whole segments in API Gateway, so the '.ics' arrives with them."""
    if not segment.endswith(".ics"):
        raise NotFound("not found")
    return segment.removesuffix(".ics")
