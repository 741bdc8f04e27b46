"""The one-time acknowledgement links of on-call pages (kuittauslinkki), kept out of the store.

A page's token is derived, not drawn: HMAC-SHA256 under a server key of the escalation
id and the page's reference (``<pass>.<step>``). The store keeps only the token's SHA-256
(the ack link item) and the outbox keeps only the reference; the sender derives the token
again when it renders the SMS. So nothing in the table, the outbox included, is a working
link, and a stolen table dump acknowledges nothing. The key is the server key the page's
forms are signed with (SSM ``page/key``; a local file in the local stage), used here under
its own label so neither use can stand in for the other.
"""

from __future__ import annotations

from chalicelib import tokens
from chalicelib.config import Settings
from chalicelib.tokens import token_hash  # what the store keeps of a token

LABEL = b"tapaamo ack links v1"
TOKEN_CHARS = 32  # 192 bits of the MAC, URL-safe


def link_key(settings: Settings) -> bytes:
    """The key ack tokens are derived with."""
    from chalicelib.web import csrf  # the server key's one home

    return tokens.sub_key(csrf.server_key(settings), LABEL)


def page_ref(pass_number: int, step_index: int) -> str:
    """How the outbox names the page of a step in a pass, e.g. ``0.1``."""
    return f"{pass_number}.{step_index}"


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``(pass_number, step_index)`` of a :func:`page_ref`, None for anything else."""
    pass_text, _, step_text = (ref or "").partition(".")
    if not (pass_text.isdigit() and step_text.isdigit()):
        return None
    return int(pass_text), int(step_text)


def ack_token(key: bytes, escalation_id: str, ref: str) -> str:
    """The link token of one page; the same inputs always give the same token."""
    return tokens.derive(key, f"{escalation_id}|{ref}", TOKEN_CHARS)


__all__ = ["ack_token", "ack_url", "link_key", "page_ref", "parse_ref", "token_hash"]


def ack_url(public_url: str, token: str) -> str:
    """The link the page SMS carries, e.g. ``https://tapaamo.example/ack/<token>``."""
    return f"{public_url}/ack/{token}"
