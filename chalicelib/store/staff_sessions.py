"""Ended console sessions: a deny-list of session ids, so a signed-out cookie is useless.

A console session lives in its signed cookie; the server keeps nothing while it is in
use. Signing out writes ``pk=SESSION#<sha256 of the session id>`` ``sk=ENDED`` with a TTL
at the session's latest possible expiry (after which the cookie fails on its own), and
each console request reads that one key: a single strongly consistent GetItem.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.tokens import token_hash
from chalicelib.store.tx import client, key, table_name, to_dynamo


def session_key(session_id: str) -> tuple[str, str]:
    return f"SESSION#{token_hash(session_id)}", "ENDED"


class DynamoSessions:
    """The deny-list in the table."""

    def end(self, session_id: str, until: datetime) -> None:
        """Refuse ``session_id`` from now on (the item expires at ``until``)."""
        pk, sk = session_key(session_id)
        client().put_item(TableName=table_name(), Item={
            "pk": to_dynamo(pk), "sk": to_dynamo(sk),
            "expires": to_dynamo(int(until.timestamp()) + 1)})

    def is_ended(self, session_id: str) -> bool:
        """Whether the session was signed out (consistent: right after sign-out too)."""
        found = client().get_item(TableName=table_name(), Key=key(*session_key(session_id)),
                                  ConsistentRead=True, ProjectionExpression="pk")
        return "Item" in found


class MemorySessions:
    """The in-memory twin."""

    def __init__(self):
        self.ended: dict[str, datetime] = {}

    def end(self, session_id: str, until: datetime) -> None:
        self.ended[session_key(session_id)[0]] = until

    def is_ended(self, session_id: str) -> bool:
        return session_key(session_id)[0] in self.ended
