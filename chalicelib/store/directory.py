"""The directory repository on DynamoDB: offices, workers, cases and the case audit log.

The items and their keys are in ``directory_items.py``; the in-memory twin is
``memory_directory.py``.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.domain.directory import Case, Office, Worker
from chalicelib.domain.errors import Conflict
from chalicelib.domain.paging import Page
from chalicelib.store import directory_lists as lists
from chalicelib.store.directory_items import (NAME_OF, OFFICE_NAMES_KEY, AuditItem, CaseItem,
                                              OfficeItem, WorkerItem, case_from_item, case_key,
                                              case_to_item, cases_listing, office_from_item,
                                              office_key, service_cases_key, worker_from_item,
                                              worker_from_plain, worker_key)
from chalicelib.store.tx import (Transaction, TransactionCancelled, batch_get, client,
                                 query, table_name, to_dynamo)


class DynamoDirectory:
    """The directory repository on DynamoDB."""

    def put_office(self, office: Office) -> None:
        """Store the office and its name in the names item, both or neither."""
        tx = Transaction()
        tx.put(OfficeItem(*office_key(office.id), name=office.name, name_sv=office.name_sv,
                          address=office.address, rooms=office.rooms), "office")
        tx.update(*OFFICE_NAMES_KEY, "SET #office = :name", "office-names",
                  names={"#office": NAME_OF + office.id}, values={":name": office.name})
        tx.commit()

    def sync_office_names(self) -> None:
        """Write the names item from the offices (for a table from before the item)."""
        names = {NAME_OF + o.id: o.name for o in self.list_offices()}
        item = dict(zip(("pk", "sk"), OFFICE_NAMES_KEY)) | names
        client().put_item(TableName=table_name(),
                          Item={k: to_dynamo(v) for k, v in item.items()})

    def list_offices(self) -> list[Office]:
        return [office_from_item(i) for i in OfficeItem.query("OFFICE")]

    def get_offices(self, ids) -> dict[str, Office]:
        keys = [office_key(i) for i in set(ids)]
        return {o.id: o for o in map(office_from_item, OfficeItem.batch_get(keys))}

    def get_offices_and_workers(self, office_ids, worker_ids
                                ) -> tuple[dict[str, Office], dict[str, Worker]]:
        """Offices and workers by id in one round trip (the family page names both)."""
        items = batch_get([office_key(i) for i in office_ids]
                          + [worker_key(i) for i in worker_ids], raw=True)
        offices = {i: office_from_item(OfficeItem.from_raw_data(items[office_key(i)]))
                   for i in office_ids if office_key(i) in items}
        workers = {i: worker_from_item(WorkerItem.from_raw_data(items[worker_key(i)]))
                   for i in worker_ids if worker_key(i) in items}
        return offices, workers

    def put_worker(self, worker: Worker) -> bool:
        """Store the worker; True when it is new, False when it replaced one."""
        item = WorkerItem(*worker_key(worker.id), name=worker.name, email=worker.email,
                          phone=worker.phone, office=worker.office, roles=list(worker.roles),
                          language=worker.language, gsi1pk=lists.WORKERS, gsi1sk=worker.id)
        old = client().put_item(TableName=table_name(), Item=item.serialize(),
                                ReturnValues="ALL_OLD").get("Attributes")
        return old is None

    def list_workers(self, cursor: str | None, size: int) -> Page[Worker]:
        """A page of workers in id order (Query on ``by_parent``; eventually consistent)."""
        ids = lists.page_of_ids(lists.WORKERS, "workers", cursor, size, worker_key)
        found = self.get_workers(ids.items)
        return Page(tuple(found[i] for i in ids.items if i in found), ids.cursor)

    def office_workers(self, office_id: str | None) -> list[Worker]:
        """Every worker (of ``office_id``, or all) in id order: ONE Query of the workers'
        list on ``by_parent``, whose projection holds the whole profile (no item reads)."""
        params = {"IndexName": "by_parent", "KeyConditionExpression": "gsi1pk = :list",
                  "ExpressionAttributeValues": {":list": to_dynamo(lists.WORKERS)}}
        if office_id is not None:
            params["FilterExpression"] = "office = :office"
            params["ExpressionAttributeValues"][":office"] = to_dynamo(office_id)
        return [worker_from_plain(i) for i in query(**params) if i["sk"] == "PROFILE"]

    def get_workers(self, ids) -> dict[str, Worker]:
        keys = [worker_key(i) for i in set(ids)]
        return {w.id: w for w in map(worker_from_item, WorkerItem.batch_get(keys))}

    def get_case(self, case_id: str) -> Case | None:
        try:
            return case_from_item(CaseItem.get(*case_key(case_id)))
        except CaseItem.DoesNotExist:
            return None

    def save_case(self, case: Case) -> Case:
        """Insert (version 0) or update (the stored version must still be ``case.version``).

        The case's list entries change in the same transaction.
        """
        item = case_to_item(case)
        item.version = case.version + 1
        tx = Transaction()
        if case.version == 0:
            tx.put(item, "case", condition="attribute_not_exists(pk)")
        else:
            tx.put(item, "case", condition="version = :seen", values={":seen": case.version})
        lists.write_entries(tx, case, lists.entries_of(case.id) if case.version else set())
        try:
            tx.commit()
        except TransactionCancelled as error:
            if "case" in error.failed:
                raise Conflict("the case was changed by someone else; reload and retry",
                               code="concurrent_update") from error
            raise
        return case_from_item(item)

    def index_lists(self, worker_ids, case_ids) -> None:
        """Put stored workers and cases on their lists (for a table from before the lists)."""
        for worker in self.get_workers(worker_ids).values():
            self.put_worker(worker)
        for case_id in case_ids:
            case, tx = self.get_case(case_id), Transaction()
            if case is not None:
                lists.write_entries(tx, case, lists.entries_of(case_id))
                tx.commit()

    def list_cases(self, worker_id: str | None, cursor: str | None, size: int) -> Page[Case]:
        """A page of cases in id order: every case, or those of ``worker_id``.

        One Query on ``by_parent`` and one BatchGet per page (eventually consistent).
        """
        name = lists.worker_cases(worker_id) if worker_id else lists.ALL_CASES
        ids = lists.page_of_ids(name, cases_listing(worker_id), cursor, size,
                                lists.case_entry_key(name))
        found = {c.id: c for c in map(case_from_item, CaseItem.batch_get(
            [case_key(i) for i in ids.items]))}
        return Page(tuple(found[i] for i in ids.items if i in found), ids.cursor)

    def case_ids(self, service: str) -> list[str]:
        """Ids of the service's cases (a Query on ``by_parent``; eventually consistent)."""
        params = {
            "TableName": table_name(), "IndexName": "by_parent",
            "KeyConditionExpression": "gsi1pk = :service",
            "ProjectionExpression": "gsi1sk",
            "ExpressionAttributeValues": {":service": {"S": service_cases_key(service)}},
        }
        pages = client().get_paginator("query").paginate(**params)
        return [raw["gsi1sk"]["S"] for page in pages for raw in page.get("Items", [])]

    def add_audit(self, case_id: str, at: datetime, actor: str, action: str) -> None:
        AuditItem(case_key(case_id)[0], _audit_sk(at), at=at, actor=actor, action=action).save()

    def add_audits(self, case_ids, at: datetime, actor: str, action: str) -> None:
        """One audit entry per case, in BatchWriteItem calls of 25."""
        with AuditItem.batch_write() as batch:
            for case_id in case_ids:
                batch.save(AuditItem(case_key(case_id)[0], _audit_sk(at), at=at, actor=actor,
                                     action=action))

    def list_audit(self, case_id: str) -> list[tuple[datetime, str, str]]:
        items = AuditItem.query(case_key(case_id)[0], AuditItem.sk.startswith("AUDIT#"))
        return [(i.at, i.actor, i.action) for i in items]


def _audit_sk(at: datetime) -> str:
    return f"AUDIT#{at.isoformat()}#{secrets.token_hex(4)}"
