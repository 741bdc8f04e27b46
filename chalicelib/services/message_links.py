"""Links to the family's page in messages, kept out of the store (issue 15).

A message's booking-link token is derived, not drawn: ``<case id>.`` and an HMAC-SHA256,
under a server key, of the case id and a random reference. The link item keeps only the
token's SHA-256 and the outbox keeps only the reference (``link_ref``); the sender derives
the token again when it renders the text (:class:`FamilyLinkDispatch`). So nothing in the
table, the outbox included, opens a family's page, as for the on-call pages' links
(``services/ack_links.py``). The key is the page key under its own label.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib import tokens
from chalicelib.config import Settings, load_settings
from chalicelib.domain.delivery import Delivery
from chalicelib.notify.templates import LINK_REF as REF_PARAM

LABEL = b"tapaamo family message links v1"
TOKEN_CHARS = 32  # 192 bits of the MAC, URL-safe


def link_key(settings: Settings) -> bytes:
    """The key message link tokens are derived with."""
    from chalicelib.web import csrf  # the server key's one home

    return tokens.sub_key(csrf.server_key(settings), LABEL)


def current_key() -> bytes:
    """:func:`link_key` of the running stage's settings."""
    return link_key(load_settings())


def with_family_links(dispatch, public_url: str | None = None) -> "FamilyLinkDispatch":
    """``dispatch`` with the family's links (under ``public_url``, by default the
    stage's) made from their references first."""
    return FamilyLinkDispatch(current_key(), public_url or load_settings().public_url, dispatch)


def new_ref() -> str:
    """A message's link reference: random, useless without the key."""
    return tokens.draw(12)


def message_token(key: bytes, case_id: str, ref: str) -> str:
    """The booking-link token of one message; the same inputs always give the same token."""
    return f"{case_id}.{tokens.derive(key, f'{case_id}|{ref}', TOKEN_CHARS)}"


class FamilyLinkDispatch:
    """The delivery sweep's ``prepare``/``sent`` that turns a message's ``link_ref`` into
    its link, around another dispatch (the on-call pages')."""

    def __init__(self, key: bytes, public_url: str, then):
        self.key, self.public_url, self.then = key, public_url, then

    def prepare(self, note: Delivery, now: datetime) -> Delivery | None:
        ready = self.then.prepare(note, now)
        if ready is None or REF_PARAM not in ready.params or not ready.case_id:
            return ready
        params = dict(ready.params)
        token = message_token(self.key, ready.case_id, params.pop(REF_PARAM))
        return replace(ready, params={**params, "link": f"{self.public_url}/book/{token}"})

    def sent(self, note: Delivery, now: datetime) -> None:
        self.then.sent(note, now)
