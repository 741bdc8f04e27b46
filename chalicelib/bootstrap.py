"""The one wiring module: builds the real collaborators from the environment.

Views call :func:`wiring` per request. It is cheap after the first call and rebuilds
only when the settings change (tests switch tables and endpoints between cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.config import Settings, load_settings
from chalicelib.store import table
from chalicelib.store.directory import DynamoDirectory
from chalicelib.store.escalations import DynamoEscalations
from chalicelib.store.oncall import DynamoRotaStore


@dataclass(frozen=True)
class Wiring:
    settings: Settings
    directory: DynamoDirectory
    rota: DynamoRotaStore
    escalations: DynamoEscalations


_current: Wiring | None = None


def wiring() -> Wiring:
    """The collaborators for the current settings."""
    global _current
    settings = load_settings()
    if _current is None or _current.settings != settings:
        table.configure(settings.table, settings.region, settings.ddb_endpoint)
        _current = Wiring(settings=settings, directory=DynamoDirectory(),
                          rota=DynamoRotaStore(), escalations=DynamoEscalations())
    return _current


def escalator():
    """The escalation use cases over the current wiring."""
    from chalicelib.services.escalations import Escalator

    current = wiring()
    return Escalator(current.escalations, current.rota, current.settings)


def now() -> datetime:
    """The clock, read once per request at the edge and passed inward."""
    return datetime.now(UTC)
