"""Replies to on-call pages from the phone: two-way SMS (an SNS topic) and the Connect keypad.

AWS End User Messaging two-way SMS publishes each inbound SMS to the ``INBOUND_SMS_TOPIC``
as JSON: ``originationNumber`` (the sender), ``destinationNumber`` (our number),
``messageKeyword``, ``messageBody``, ``inboundMessageId``, ``previousPublishedMessageId``.
Locally the pump reads the same JSON from the ``inbound-sms`` spool that
``python -m chalicelib.cli sms-reply`` writes.
"""

from __future__ import annotations

import json
import logging

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.services.phone_replies import InboundReply

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.phone_replies")

INBOUND_SMS_TOPIC = "tapaamo-inbound-sms"


def inbound_from_sms(message: str) -> InboundReply | None:
    """The reply in a two-way SMS payload; None when it is not one (logged, dropped)."""
    try:
        payload = json.loads(message)
    except ValueError:
        payload = None
    fields = ("inboundMessageId", "originationNumber", "messageBody")
    if not isinstance(payload, dict) or not all(isinstance(payload.get(f), str) for f in fields):
        return None
    return InboundReply(payload["inboundMessageId"], payload["originationNumber"],
                        payload["messageBody"])


@bp.on_sns_message(topic=INBOUND_SMS_TOPIC, name="inbound_sms")
def inbound_sms(event):
    """An on-call worker's SMS reply to a page: acknowledge, resolve or a help reply."""
    inbound = inbound_from_sms(event.message)
    if inbound is None:
        # Nothing to retry: SNS would deliver the same unreadable payload again.
        log.warning("inbound sms: not a two-way SMS payload; dropped")
        return {"result": "unreadable"}
    outcome = bootstrap.phone_replies().handle(inbound, bootstrap.now())
    return {"result": outcome.result, "escalation_id": outcome.escalation_id}


@bp.lambda_function(name="connect_ack")
def connect_ack(event, context):
    """Amazon Connect contact flow: the paged worker pressed a key on the page call.

    The flow calls this with ``Details.Parameters.key`` (the digits stored from "Get
    customer input"); the worker is the call's ``Details.ContactData.CustomerEndpoint``
    (the page call is outbound to them). Connect reads flat string attributes only:
    ``result`` (``acknowledged``, ``no-page``, ``help``, ``unknown-sender``) and
    ``acknowledged`` (``"true"``/``"false"``) for the flow's branch.
    """
    details = event.get("Details") if isinstance(event, dict) else None
    details = details if isinstance(details, dict) else {}
    contact = details.get("ContactData") or {}
    endpoint = contact.get("CustomerEndpoint") or {}
    key = str((details.get("Parameters") or {}).get("key", ""))
    number = endpoint.get("Address") if endpoint.get("Type") == "TELEPHONE_NUMBER" else None
    if not number or not contact.get("ContactId"):
        log.warning("connect ack: no caller number or contact id; nothing done")
        return {"result": "unknown-sender", "acknowledged": "false"}
    # Only "1" acknowledges from the keypad; LOPETA is for SMS (resolving needs a word).
    text = "1" if key.strip() == "1" else "?"
    outcome = bootstrap.phone_replies().handle(
        InboundReply(contact["ContactId"], number, text), bootstrap.now(), answer_by_sms=False)
    return {"result": outcome.result,
            "acknowledged": "true" if outcome.result == "acknowledged" else "false"}
