"""Paged lists of cases and workers on the ``by_parent`` index (a Query per page, never a Scan).

Item layout (one table, see ``table.py``):

* worker   ``pk=WORKER#<id>``  ``sk=PROFILE``  carries ``gsi1pk=WORKERS``, ``gsi1sk=<id>``
* case list entry ``pk=CASE#<id>`` ``sk=LISTED#<list>``, ``gsi1pk=<list>``, ``gsi1sk=<case id>``,
  one per list the case is on: ``CASES`` (every case) and ``WORKER#<id>#CASES`` for each
  of its workers and its social worker. The entries are written in the case's own
  transaction, so a case is on exactly the lists its people say. A case has at most one
  GSI key of its own (its service's, for the review jobs), hence the entries.

Pages are read with ``Limit = size + 1``: the extra item says whether another page
follows, so the last page never hands out a cursor to an empty one.
"""

from __future__ import annotations

from chalicelib.domain.directory import Case
from chalicelib.domain.paging import Page, decode_cursor, page_from
from chalicelib.store.tx import Transaction, client, query, table_name

ALL_CASES = "CASES"
WORKERS = "WORKERS"
_LISTED = "LISTED#"


def worker_cases(worker_id: str) -> str:
    """The list of one worker's cases (as worker or social worker)."""
    return f"WORKER#{worker_id}#CASES"


def lists_of(case: Case) -> set[str]:
    """The lists ``case`` belongs on."""
    people = {*case.workers, *([case.social_worker] if case.social_worker else [])}
    return {ALL_CASES, *(worker_cases(w) for w in people)}


def write_entries(tx: Transaction, case: Case, listed_before: set[str]) -> None:
    """Add to ``tx`` the entries ``case`` lacks and drop those it no longer has."""
    pk = f"CASE#{case.id}"
    wanted = lists_of(case)
    for name in sorted(wanted - listed_before):
        tx.put({"pk": pk, "sk": _LISTED + name, "gsi1pk": name, "gsi1sk": case.id},
               f"list:{name}")
    for name in sorted(listed_before - wanted):
        tx.delete(pk, _LISTED + name, f"unlist:{name}")


def entries_of(case_id: str) -> set[str]:
    """The lists a stored case is on now (one Query of its own partition)."""
    items = query(KeyConditionExpression="pk = :pk AND begins_with(sk, :listed)",
                  ExpressionAttributeValues={":pk": {"S": f"CASE#{case_id}"},
                                             ":listed": {"S": _LISTED}},
                  ProjectionExpression="sk")
    return {i["sk"].removeprefix(_LISTED) for i in items}


def page_of_ids(name: str, cursor_list: str, cursor: str | None, size: int,
                item_key) -> Page[str]:
    """Ids (``gsi1sk``) of one page of the list ``name``.

    Args:
        name: the ``gsi1pk`` of the list.
        cursor_list: what the cursor names (a cursor of another list is refused).
        cursor: the ``?cursor=`` given, or None for the first page.
        size: items per page.
        item_key: ``id -> (pk, sk)`` of the listed item, to rebuild DynamoDB's start key.
    """
    after = decode_cursor(cursor_list, cursor)
    params = {
        "TableName": table_name(), "IndexName": "by_parent", "Limit": size + 1,
        "KeyConditionExpression": "gsi1pk = :list",
        "ProjectionExpression": "gsi1sk",
        "ExpressionAttributeValues": {":list": {"S": name}},
    }
    if after is not None:
        pk, sk = item_key(after)
        params["ExclusiveStartKey"] = {"gsi1pk": {"S": name}, "gsi1sk": {"S": after},
                                       "pk": {"S": pk}, "sk": {"S": sk}}
    # One page can stop short of Limit only at 1 MB; an id-only projection never gets there.
    items = client().query(**params).get("Items", [])
    ids = [raw["gsi1sk"]["S"] for raw in items]
    return page_from(cursor_list, ids, str, size)


def listed_ids() -> tuple[list[str], list[str]]:
    """Ids of every stored worker and case, for :func:`DynamoDirectory.index_lists` once.

    The one Scan in the code: an operator's one-off upgrade of a table from before the
    lists (docs/DEPLOY.md), never a request.
    """
    pages = client().get_paginator("scan").paginate(
        TableName=table_name(), ProjectionExpression="pk, sk",
        FilterExpression="sk IN (:profile, :case)",
        ExpressionAttributeValues={":profile": {"S": "PROFILE"}, ":case": {"S": "CASE"}})
    keys = [(raw["pk"]["S"], raw["sk"]["S"]) for page in pages for raw in page["Items"]]
    return ([pk.removeprefix("WORKER#") for pk, sk in keys if sk == "PROFILE"],
            [pk.removeprefix("CASE#") for pk, sk in keys if sk == "CASE"])


def case_entry_key(name: str):
    """``item_key`` for :func:`page_of_ids` over the case list ``name``."""
    return lambda case_id: (f"CASE#{case_id}", _LISTED + name)
