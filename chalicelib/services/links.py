"""Booking links: issue, revoke, and open one (the family's only credential)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from chalicelib import tokens
from chalicelib.domain.access import Actor
from chalicelib.domain.directory import CHANNELS, Case
from chalicelib.domain.errors import Gone, NotFound, Rejected
from chalicelib.domain.notification import Notification
from chalicelib.services import message_links
from chalicelib.services.directory import read_case
from chalicelib.store import links
from chalicelib.store.directory_items import case_key
from chalicelib.store.outbox import enqueue
from chalicelib.store.tx import Transaction, batch_get

TOKEN = re.compile(r"([a-z0-9][a-z0-9-]{0,39})\.([A-Za-z0-9_-]{24,64})")
DEFAULT_VALID_DAYS = 30


def new_token(case_id: str) -> str:
    """A booking-link token: the case id (so opening it reads link and case in one trip)
    and 144 random bits. Only its SHA-256 is ever stored."""
    return f"{case_id}.{tokens.draw(18)}"


def booking_url(public_url: str, token: str) -> str:
    return f"{public_url}/book/{token}"


def issue_link(repo, actor: Actor, case_id: str, valid_days: int | None, now: datetime,
               public_url: str, send: str | None = None) -> dict:
    """A new link for the case's family → ``{url, token, expires_at, sent}``.

    With ``send`` (``"sms"`` or ``"email"``) the family also gets it, in its language, in a
    ``booking-link`` message naming the service (never the family); link and message are
    written in one transaction. ``sent`` is the channel, or None. The staff console's
    "send by SMS/e-mail" calls this too.

    Raises:
        Rejected: ``valid_days`` not 1–365, ``send`` not a channel (422 ``invalid_value``),
            or no phone/e-mail on the case for ``send`` (422 ``no_contact``).
        NotFound: no such case, or not the actor's (404).
    """
    days = DEFAULT_VALID_DAYS if valid_days is None else valid_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise Rejected("valid_days must be a whole number from 1 to 365", code="invalid_value",
                       field="valid_days")
    if send is not None and send not in CHANNELS:
        raise Rejected("send is \"sms\" or \"email\"", code="invalid_value", field="send")
    case = read_case(repo, actor, case_id, now, action="link.issue")
    recipient = case.contact.address(send) if send else None
    if send and not recipient:
        raise Rejected(f"the case has no {'phone number' if send == 'sms' else 'e-mail address'}"
                       f" to send the link to", code="no_contact", field="send")
    # A link that is sent is derived from a reference the message keeps, so the outbox
    # holds no working token (services/message_links.py); one only shown is drawn.
    ref = message_links.new_ref() if send else None
    token = (message_links.message_token(message_links.current_key(), case.id, ref) if ref
             else new_token(case.id))
    expires_at = now + timedelta(days=days)
    url = booking_url(public_url, token)
    tx = Transaction()
    links.add_link(tx, tokens.token_hash(token), case.id, case.link_epoch, expires_at, now)
    if send:
        enqueue(tx, Notification(
            "booking-link", send, recipient, f"booking-link:{tokens.token_hash(token)[:24]}",
            language=case.contact.language, case_id=case.id,
            params={"service": case.service, "expires_at": expires_at.isoformat(),
                    message_links.REF_PARAM: ref}), now)
    tx.commit()
    # The token on its own too: the {token} of the family's paths (OpenAPI links follow it).
    return {"url": url, "token": token, "expires_at": expires_at, "sent": send}


def family_link(tx: Transaction, case: Case, now: datetime,
                until: datetime | None = None) -> str:
    """A fresh link to the family's page for a message to the family, added to ``tx``
    (the message's transaction); returns the reference the message keeps as its
    ``link_ref`` (the sender makes the link from it: ``services/message_links.py``). It
    works for the usual 30 days, and at least ``until`` (e.g. the end of the meeting the
    message is about).

    A new link per message, rather than the one the family was sent first: only the
    hash of a link is stored, so no earlier link can be put in a text again.
    """
    ref = message_links.new_ref()
    token = message_links.message_token(message_links.current_key(), case.id, ref)
    expires_at = max(now + timedelta(days=DEFAULT_VALID_DAYS), until or now)
    links.add_link(tx, tokens.token_hash(token), case.id, case.link_epoch, expires_at, now)
    return ref


def revoke_links(repo, actor: Actor, case_id: str, now: datetime) -> None:
    """Every link issued so far answers 410 from now on."""
    case = read_case(repo, actor, case_id, now, action="link.revoke")
    links.revoke_links(case.id)


def open_link(token: str, now: datetime, extra_keys=()) -> tuple[Case, dict]:
    """The case a link opens, plus ``extra_keys`` read in the same round trip.

    Raises:
        NotFound: malformed or unknown token, or one naming another case (404).
        Gone: the link expired or was revoked (410).
    """
    match = TOKEN.fullmatch(token or "")
    if not match:
        raise NotFound("no such booking link")
    token_hash = tokens.token_hash(token)
    case_id = match.group(1)
    items = batch_get([links.link_key(token_hash), case_key(case_id), *extra_keys])
    link_item = items.get(links.link_key(token_hash))
    case_item = items.get(case_key(case_id))
    if link_item is None or case_item is None:
        raise NotFound("no such booking link")
    link = links.link_from_item(link_item)
    if not tokens.same(link.token_hash, token_hash) or link.case_id != case_id:
        raise NotFound("no such booking link")
    case = links.case_from_plain(case_item)
    if link.expires_at <= now or link.epoch < case.link_epoch:
        raise Gone("this booking link has expired or was withdrawn", code="link_gone")
    return case, items
