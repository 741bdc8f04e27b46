"""Secret tokens in one place: drawing, deriving, hashing what is stored, comparing.

Every credential Tapaamo hands out (booking links, acknowledgement links, feed tokens,
console sessions) is stored only as its SHA-256 (:func:`token_hash`); a token is drawn at
random (:func:`draw`) or derived with HMAC-SHA256 under a key of its own
(:func:`sub_key`, :func:`derive`), and a presented one is checked in constant time
(:func:`same`). Standard library only, so every layer may use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def draw(nbytes: int) -> str:
    """``nbytes`` random bytes, URL-safe base64 (no padding for multiples of 3)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What the table keeps of a token: its SHA-256, hex.

    >>> token_hash("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode()).hexdigest()


def sub_key(server_key: bytes, label: bytes) -> bytes:
    """A key for one use (``label``) of a server key, so no use can stand in for another."""
    return hmac.new(server_key, label, hashlib.sha256).digest()


def mac(key: bytes, message: str | bytes) -> bytes:
    """HMAC-SHA256 of ``message`` (text as UTF-8) under ``key``."""
    return hmac.new(key, _bytes(message), hashlib.sha256).digest()


def mac_hex(key: bytes, message: str | bytes) -> str:
    """:func:`mac` as hex (form and webhook signatures)."""
    return mac(key, message).hex()


def derive(key: bytes, message: str, chars: int = 32) -> str:
    """A token derived from ``message``: the first ``chars`` characters of its MAC in
    URL-safe base64 (32 characters: 192 bits). The same inputs always give the same token."""
    return base64.urlsafe_b64encode(mac(key, message)).decode()[:chars]


def same(given: str | bytes | None, expected: str | bytes) -> bool:
    """Whether ``given`` equals ``expected``, in time that does not depend on where they
    differ. Text is compared as UTF-8 bytes: ``hmac.compare_digest`` refuses a str with
    non-ASCII characters."""
    if given is None:
        return False
    return hmac.compare_digest(_bytes(given), _bytes(expected))


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
