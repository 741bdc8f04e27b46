"""On-call event handlers: the escalation sweeper, the daily gap alert, the Connect lookup."""

from __future__ import annotations

import logging

from chalice import Blueprint, Cron, Rate

from chalicelib import bootstrap
from chalicelib.services import oncall as use

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.oncall")

NOBODY = "none"


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="escalation_sweep")
def escalation_sweep(event):
    """Advance every escalation whose next step is due (GSI ``due``, never a Scan)."""
    moved = bootstrap.escalator().sweep(bootstrap.now())
    if moved:
        log.info("escalation sweep advanced %d escalation(s)", moved)
    return {"advanced": moved}


@bp.schedule(Cron(0, 5, "*", "*", "?", "*"), name="oncall_gap_alert")
def oncall_gap_alert(event):
    """Daily at 05:00 UTC: e-mail coordinators each on-call gap of the next 14 days once."""
    wiring = bootstrap.wiring()
    sent = use.alert_gaps(wiring.rota, wiring.settings.coordinator_emails, bootstrap.now())
    return {"alerts": sent}


@bp.lambda_function(name="connect_oncall")
def connect_oncall(event, context):
    """Amazon Connect contact-flow lookup: where to forward the 24 h line right now.

    Connect reads flat string attributes only: ``phone`` (E.164 or ``"none"``),
    ``worker`` and ``level`` (``primary``, ``secondary`` or ``"none"``).
    """
    holder = use.phone_to_forward(bootstrap.wiring().rota, bootstrap.now())
    if holder is None:
        log.warning("connect lookup: nobody on call")
        return {"phone": NOBODY, "worker": NOBODY, "level": NOBODY}
    return {"phone": holder.phone, "worker": holder.worker, "level": holder.level}
