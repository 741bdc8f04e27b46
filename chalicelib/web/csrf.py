"""CSRF tokens for the booking page's forms: HMAC of the link token's hash and a time window.

A form token is valid for the link it was rendered for, in its own window and the next
one (so a page opened just before a window boundary still works). The server key comes
from ``TAPAAMO_PAGE_KEY`` (prod: SSM ``page/key``, see config.py) or, in the local stage, a random key
created on first use under ``TAPAAMO_LOCAL_DIR``.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from chalicelib import tokens
from chalicelib.config import Settings
from chalicelib.keyfile import read_or_create

WINDOW_SECONDS = 2 * 3600


def server_key(settings: Settings) -> bytes:
    """The page key: from the settings (prod: SSM ``page/key``), else (local stage only) a
    file in the local dir."""
    if settings.page_key:
        return settings.page_key.encode()
    if not settings.is_local:
        raise RuntimeError("TAPAAMO_PAGE_KEY must be set outside the local stage")
    return _local_key(settings.local_dir)


def _local_key(local_dir: Path) -> bytes:
    return read_or_create(local_dir / "page-key", lambda: secrets.token_hex(32).encode()).strip()


def form_token(key: bytes, link_token: str, now: datetime) -> str:
    """The token every POST form of this link carries (``csrf`` field)."""
    return _mac(key, link_token, _window(now))


def is_valid(key: bytes, link_token: str, submitted: str | None, now: datetime) -> bool:
    """Whether ``submitted`` was issued for this link in this or the previous window."""
    if not submitted:
        return False
    window = _window(now)
    return any(tokens.same(submitted, _mac(key, link_token, w))
               for w in (window, window - 1))


def _window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def _mac(key: bytes, link_token: str, window: int) -> str:
    # The link token itself is never an HMAC input, only its hash (as it is stored).
    return tokens.mac_hex(key, f"{tokens.token_hash(link_token)}:{window}")
