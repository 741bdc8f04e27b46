"""The morning digest of meetings still without an outcome (``services.outcome_digest``).

EventBridge reads cron in UTC and Helsinki is UTC+2 in winter, UTC+3 in summer, so the
schedule fires at 04:00 and 05:00 UTC: one of the two is 07:00 in Helsinki all year. The
service sends nothing before 07:00 local time, and the later run finds today's digests
queued already (one per worker: the outbox write is conditional).
``chalice local`` never runs schedules; the local pump calls this at those minutes.
"""

import logging

from chalice import Blueprint, Cron

from chalicelib import bootstrap
from chalicelib.services import outcome_digest as use

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.outcomes")


@bp.schedule(Cron(0, "4,5", "*", "*", "?", "*"))
def outcome_digest_daily(event):
    """Queue each worker's digest of unrecorded meetings (working days, 07:00 Helsinki;
    it fires daily, so its dead-man alarm is a day's, and a day off sends nothing)."""
    wiring = bootstrap.wiring()
    return use.send_digests(wiring.directory, wiring.agenda, bootstrap.now(),
                            wiring.settings.public_url)
