"""Scheduled review work: the minute sweep (recompute jobs queued by rule edits, then
notice timers) and the daily recompute.

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
    """Recompute the cases of services whose rules were edited (a page at a time), then
    send the review reminders and overdue notices whose time has come (one Query per
    shard each). Recomputing first lets new reminder days move the timers before they fire."""
    wiring, now = bootstrap.wiring(), bootstrap.now()
    recomputed = use.run_recompute_jobs(wiring.reviews, wiring.directory, now)
    claimed = use.send_due_notices(wiring.reviews, wiring.directory,
                                   wiring.settings.coordinator_emails, now)
    log.info("review sweep: %d cases recomputed, %d notices claimed", recomputed, claimed)
    return claimed


@bp.schedule(Cron(30, 0, "*", "*", "?", "*"))
def recompute_reviews_daily(event):
    """Recompute every case's reviews at night (02:30/03:30 Helsinki): meetings held
    yesterday may have triggered nth-meeting rules, and stale timers move to today."""
    wiring = bootstrap.wiring()
    count = use.recompute_all(wiring.reviews, wiring.directory, bootstrap.now())
    log.info("review recompute: %d cases", count)
    return count
