"""Which listing (``gsi1pk``) an outbox note is filed under."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain.notification import Notification
from chalicelib.store.outbox import outbox_item

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("ids", "parent"), [
    ({"case_id": "k1"}, "CASE#k1#NOTES"),
    ({"escalation_id": "e1"}, "ESC#e1#NOTES"),
    ({}, "OPS#NOTES"),
])
def test_a_note_is_listed_under_its_case_its_escalation_or_operations(ids, parent):
    note = Notification("oncall-gap", "email", "lead@example.org", "gap:x", **ids)
    assert outbox_item(note, NOW).gsi1pk == parent
