"""Small items many requests read (the office names, the on-call rota): read together in
one BatchGetItem and each kept per container for as long as a copy may be used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from chalicelib.store.tx import batch_get

Key = tuple[str, str]
Fetch = Callable[[list[Key]], dict[Key, dict]]


@dataclass(frozen=True)
class Shared:
    """One item by key, what it means (``parse`` gets the raw item, or None when there is
    none) and how long a container may use its copy."""

    key: Key
    parse: Callable[[dict | None], Any]
    max_age: timedelta


class SharedItems:
    """Per-container copies of shared items; one round trip reads all that are missing or
    older than their ``max_age``.

    Args:
        fetch: ``fetch(keys)`` gives ``{key: raw item}`` of those that exist; a strongly
            consistent BatchGetItem by default (tests pass a dict's lookup).
    """

    def __init__(self, fetch: Fetch | None = None):
        self._fetch = fetch or partial(batch_get, consistent=True, raw=True)
        self._copies: dict[Shared, tuple[datetime, Any]] = {}

    def read(self, wanted: Iterable[Shared], now: datetime,
             again: Iterable[Shared] = ()) -> dict[Shared, Any]:
        """The value of each wanted item, read now unless a young enough copy is kept.

        Args:
            wanted: The items.
            now: The request's clock, for the copies' ages.
            again: Items to read again unless their copy was read at ``now`` (a copy
                known to be behind).
        """
        wanted, again = list(dict.fromkeys(wanted)), set(again)
        stale = [item for item in wanted if not self._young(item, now)
                 or (item in again and self._copies[item][0] != now)]
        if stale:
            found = self._fetch(list(dict.fromkeys(item.key for item in stale)))
            for item in stale:
                self._copies[item] = (now, item.parse(found.get(item.key)))
        return {item: self._copies[item][1] for item in wanted}

    def _young(self, item: Shared, now: datetime) -> bool:
        copy = self._copies.get(item)
        return copy is not None and timedelta(0) <= now - copy[0] < item.max_age
