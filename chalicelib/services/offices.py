"""Office names for feeds, kept per process: offices change a few times a year."""

from __future__ import annotations

from datetime import datetime, timedelta


class OfficeNames:
    """Office names for worker feeds, read at most every ``ttl`` per process.

    Offices change a few times a year; without this every feed poll would pay a second
    DynamoDB round trip for names already known.
    """

    def __init__(self, directory, ttl: timedelta = timedelta(minutes=10)):
        self._directory, self._ttl = directory, ttl
        self._names: dict[str, str] = {}
        self._read_at: datetime | None = None

    def names(self, wanted: set[str], now: datetime) -> dict[str, str]:
        """Names by office id; read again when stale or when a wanted office is new."""
        fresh = self._read_at is not None and self._read_at <= now < self._read_at + self._ttl
        if not fresh or not wanted <= self._names.keys():
            self._names = {o.id: o.name for o in self._directory.list_offices()}
            self._read_at = now
        return self._names
