"""Scheduled review work: the minute sweep of notice timers and the daily recompute.

``chalice local`` never runs schedules; the local pump calls these functions.
"""

import logging

from chalice import Blueprint, Cron, Rate

from chalicelib import bootstrap
from chalicelib.services import reviews as use

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.reviews")


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_review_notices(event):
    """Send the review reminders and overdue notices whose time has come (one Query per shard)."""
    wiring = bootstrap.wiring()
    claimed = use.send_due_notices(wiring.reviews, wiring.directory,
                                   wiring.settings.coordinator_emails, bootstrap.now())
    log.info("review sweep: %d notices claimed", claimed)
    return claimed


@bp.schedule(Cron(30, 0, "*", "*", "?", "*"))
def recompute_reviews_daily(event):
    """Recompute every case's reviews at night (02:30/03:30 Helsinki): meetings held
    yesterday may have triggered nth-meeting rules, and stale timers move to today."""
    wiring = bootstrap.wiring()
    count = use.recompute_all(wiring.reviews, wiring.directory, bootstrap.now())
    log.info("review recompute: %d cases", count)
    return count
