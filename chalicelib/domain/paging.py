"""Pages of staff lists and their opaque cursors (``?cursor=``).

A cursor names the list it belongs to and the last key of the page before, e.g.
``cases:worker=w-aino`` and ``k1a2b3c4``, so a cursor of one list is refused by another
instead of starting somewhere odd. It is base64url of a small JSON array: opaque to
clients (they pass it back as it came), cheap to validate, and never a raw DynamoDB key.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from chalicelib.domain.errors import Invalid

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
_VERSION = 1
MAX_KEY_LENGTH = 1024  # DynamoDB's limit for a sort key is 1024 bytes


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the next one (None on the last page)."""

    items: tuple[T, ...]
    cursor: str | None = None


def encode_cursor(listing: str, after: str) -> str:
    """The cursor that continues ``listing`` after the key ``after``.

    >>> decode_cursor("workers", encode_cursor("workers", "w-aino"))
    'w-aino'
    """
    raw = json.dumps([_VERSION, listing, after], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None) -> str | None:
    """The key a page of ``listing`` starts after; None for the first page.

    Raises:
        Invalid: (400 ``bad_cursor``) when ``cursor`` is not one this list gave out.
    """
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        version, owner, after = json.loads(raw)
        # encode() also refuses a lone surrogate ("\ud800"), which DynamoDB could not store.
        if (version, owner) == (_VERSION, listing) and isinstance(after, str) \
                and 0 < len(after.encode()) <= MAX_KEY_LENGTH:
            return after
    except (ValueError, TypeError, binascii.Error):  # UnicodeError is a ValueError
        pass
    raise _bad_cursor()


def page_size(value: str | None) -> int:
    """``?limit=`` as a page size: 1 to 100, 50 when absent.

    Raises:
        Invalid: (400 ``bad_request``, field ``limit``) for anything else.
    """
    if value is None:
        return DEFAULT_PAGE_SIZE
    # fullmatch, not isdigit(): "²" is a digit to str.isdigit() but no number to int().
    if not re.fullmatch(r"[0-9]{1,3}", value) or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise Invalid(f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}", field="limit")
    return int(value)


def page_of(listing: str, items: Iterable[T], key: Callable[[T], str], cursor: str | None,
            size: int) -> Page[T]:
    """A page of ``items`` in key order, after the cursor's key (for lists held in memory)."""
    after = decode_cursor(listing, cursor)
    ordered = sorted(items, key=key)
    rest = [i for i in ordered if after is None or key(i) > after]
    return page_from(listing, rest[:size + 1], key, size)


def page_from(listing: str, fetched: Sequence[T], key: Callable[[T], str], size: int) -> Page[T]:
    """The page of the first ``size`` of ``fetched`` (fetch ``size + 1`` to know if more follow)."""
    shown = tuple(fetched[:size])
    more = len(fetched) > size
    return Page(shown, encode_cursor(listing, key(shown[-1])) if more else None)


def _bad_cursor() -> Invalid:
    return Invalid("cursor is not one this list gave out; start again without it",
                   code="bad_cursor", field="cursor")
