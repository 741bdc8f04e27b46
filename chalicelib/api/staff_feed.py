"""The worker's calendar subscription page, ``/staff/feed``: how to subscribe, and a new
feed link on request.

A feed token is stored only as its hash, so no page can show a worker's current link
again: the page explains that and offers "make a new link" (a POST, as
``POST /workers/{id}/feed-tokens``). The answer to that POST is the one page that shows
the new link (webcal and https, with a QR code); the old link answers 410 from then on.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.domain.errors import Forbidden
from chalicelib.services import feeds

bp = Blueprint(__name__)


@console_route(bp, "/staff/feed")
def subscription(visit: Visit):
    return visit.page("feed.html", "staff.feed.title", worker=visit.actor.worker_id is not None,
                      link=None)


@console_route(bp, "/staff/feed", methods=["POST"])
def replace_link(visit: Visit):
    worker_id = visit.actor.worker_id
    if worker_id is None:
        raise Forbidden("the calendar feed is a worker's own")
    wiring = bootstrap.wiring()
    url = feeds.issue_feed_token(wiring.agenda, wiring.directory, visit.actor, worker_id,
                                 wiring.settings.public_url, visit.now)
    return visit.page("feed.html", "staff.feed.title", worker=True, link=feed_link(url))


def feed_link(url: str) -> dict:
    """The link as the page shows it: https, webcal:// (what calendar apps subscribe to
    when it is opened) and the QR code of the webcal link (inline SVG)."""
    from chalicelib.qr import svg

    webcal = "webcal://" + url.split("://", 1)[1]
    return {"https": url, "webcal": webcal, "qr": svg(webcal)}
