"""Booking links: issue, revoke, and open one (the family's only credential)."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime, timedelta

from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case
from chalicelib.domain.errors import Gone, NotFound, Rejected
from chalicelib.services.directory import read_case
from chalicelib.store import links
from chalicelib.store.directory import case_key
from chalicelib.store.tx import batch_get

TOKEN = re.compile(r"([a-z0-9][a-z0-9-]{0,39})\.([A-Za-z0-9_-]{24,64})")
DEFAULT_VALID_DAYS = 30


def issue_link(repo, actor: Actor, case_id: str, valid_days: int | None, now: datetime,
               public_url: str) -> dict:
    """A new link for the case's family → ``{url, token, expires_at}``.

    The token carries the case id so that opening it reads link and case in one trip;
    its secret part has 144 random bits. Only its SHA-256 is stored.
    """
    days = DEFAULT_VALID_DAYS if valid_days is None else valid_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise Rejected("valid_days must be a whole number from 1 to 365", code="invalid_value",
                       field="valid_days")
    case = read_case(repo, actor, case_id, now, action="link.issue")
    token = f"{case.id}.{secrets.token_urlsafe(18)}"
    expires_at = now + timedelta(days=days)
    links.save_link(links.sha256(token), case.id, case.link_epoch, expires_at, now)
    # The token on its own too: the {token} of the family's paths (OpenAPI links follow it).
    return {"url": f"{public_url}/book/{token}", "token": token, "expires_at": expires_at}


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
    token_hash = links.sha256(token)
    case_id = match.group(1)
    items = batch_get([links.link_key(token_hash), case_key(case_id), *extra_keys])
    link_item = items.get(links.link_key(token_hash))
    case_item = items.get(case_key(case_id))
    if link_item is None or case_item is None:
        raise NotFound("no such booking link")
    link = links.link_from_item(link_item)
    if not hmac.compare_digest(link.token_hash, token_hash) or link.case_id != case_id:
        raise NotFound("no such booking link")
    case = links.case_from_plain(case_item)
    if link.expires_at <= now or link.epoch < case.link_epoch:
        raise Gone("this booking link has expired or was withdrawn", code="link_gone")
    return case, items
