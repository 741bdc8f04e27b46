"""Office names for feeds: the directory's one names item, read by key with other shared
items and kept per process (offices change a few times a year)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.store.directory_items import OFFICE_NAMES_KEY, office_names_from_item
from chalicelib.store.shared import Shared


class OfficeNames:
    """Office names for worker feeds, from a copy at most ``max_age`` old.

    ``item`` is what to read (with a feed's other shared items, in one round trip);
    :meth:`of` turns what was read into names.
    """

    def __init__(self, directory, max_age: timedelta = timedelta(minutes=10)):
        self._directory = directory
        self.item = Shared(OFFICE_NAMES_KEY, office_names_from_item, max_age)

    def of(self, read: dict[str, str] | None) -> dict[str, str]:
        """Names by office id; a table from before the names item is listed instead."""
        if read is not None:
            return read
        return {office.id: office.name for office in self._directory.list_offices()}
