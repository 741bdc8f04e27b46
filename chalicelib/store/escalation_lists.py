"""Staff lists of escalations: by status (the ``by_parent`` index) and by short code.

Both are Queries, never a Scan: an escalation item carries ``gsi1pk=ESCALATIONS#<status>``
(moved by every status write, see ``escalations.py``) and a ``ESCCODE#<code>`` item names
it by its short code. A page is read with ``Limit = size + 1``: the extra item says
whether another page follows.
"""

from __future__ import annotations

from chalicelib.domain.paging import Page, decode_cursor, encode_cursor
from chalicelib.store import tx as raw
from chalicelib.store.escalations import (STATUS_LIST, EscalationRecord, esc_key, list_key,
                                          record_from_item)


def listing_name(status: str) -> str:
    """The cursor's list name, so a cursor of one status is refused by another."""
    return f"escalations:status={status}"


def page_by_status(status: str, cursor: str | None, size: int) -> Page[EscalationRecord]:
    """One page of the escalations in ``status``, oldest opened first.

    The cursor continues after the last item read (callers may show fewer: a worker sees
    only their own, see ``services/escalation_views.py``).

    Raises:
        Invalid: a cursor this list did not give out (400 ``bad_cursor``).
    """
    after = decode_cursor(listing_name(status), cursor)
    request = {"TableName": raw.table_name(), "IndexName": "by_parent",
               "KeyConditionExpression": "gsi1pk = :list",
               "ExpressionAttributeValues": {":list": {"S": STATUS_LIST + status}},
               "Limit": size + 1}
    if after:
        pk, sk = esc_key(after.partition("#")[2])
        request["ExclusiveStartKey"] = {"gsi1pk": {"S": STATUS_LIST + status},
                                        "gsi1sk": {"S": after}, "pk": {"S": pk},
                                        "sk": {"S": sk}}
    items = raw.client().query(**request).get("Items", [])
    records = [record_from_item(raw.from_dynamo(i)) for i in items[:size]]
    more = len(items) > size
    next_cursor = encode_cursor(listing_name(status), list_key(records[-1].escalation)) \
        if more else None
    return Page(tuple(records), next_cursor)


def with_code(code: str) -> list[EscalationRecord]:
    """Every escalation with this short code (a Query, then one batch read)."""
    named = raw.query(KeyConditionExpression="pk = :code",
                      ExpressionAttributeValues={":code": {"S": f"ESCCODE#{code.upper()}"}})
    keys = [(n["sk"], "ESC") for n in named][:100]
    found = raw.batch_get(keys, consistent=True)
    return sorted((record_from_item(found[k]) for k in keys if k in found),
                  key=lambda r: list_key(r.escalation))
