"""A family's "we need help now" through its booking link (tukipyyntö), rate limited.

At most :data:`HELP_LIMIT` requests per link per hour reach the escalation: more are
refused with 429 and the seconds to wait, so a link cannot be used to flood the on-call
phone. "Help is coming" goes to the case's own contact only; a callback number the
family types is shown to the on-call worker and never texted (a form must not send SMS
to a number someone else chose).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import tokens
from chalicelib.domain.errors import TooMany
from chalicelib.services.escalations import HelpRequest, Opened
from chalicelib.services.links import open_link

HELP_LIMIT = 3
HELP_WINDOW = timedelta(hours=1)


def ask_for_help(escalator, directory, limits, token: str, message: str | None,
                 callback_phone: str | None, now: datetime) -> Opened:
    """Open the case's escalation, or add to its open one.

    Raises:
        NotFound: unknown link (404). Gone: expired or revoked link (410).
        TooMany: the link asked :data:`HELP_LIMIT` times this hour already (429).
    """
    case, _ = open_link(token, now)
    wait = limits.take(f"help#{tokens.token_hash(token)}", now, HELP_LIMIT, HELP_WINDOW)
    if wait is not None:
        raise TooMany("this link has asked for help several times this hour; call the "
                      "support number", retry_after=wait, code="too_many_requests")
    directory.add_audit(case.id, now, "family", "escalation.open")
    contact = case.contact
    return escalator.raise_alarm(HelpRequest(
        source="family", case_id=case.id, message=message, family_phone=contact.phone,
        family_email=contact.email, language=contact.language, requested_by="family",
        callback_phone=callback_phone), now)
