"""Offices, workers, cases and the case audit log in DynamoDB, and their in-memory twin.

Item layout (one table, see ``table.py``):

* office   ``pk=OFFICE``           ``sk=<office id>``   (listing is one Query)
* office names ``pk=DIRECTORY``    ``sk=OFFICE_NAMES``  with ``office#<id>`` = name per office,
  written in the same transaction as the office: feeds read it by key with other items
* worker   ``pk=WORKER#<id>``      ``sk=PROFILE``       (``gsi1pk=WORKERS``: the paged list)
* case     ``pk=CASE#<id>``        ``sk=CASE``          (``version`` guards concurrent edits;
  ``gsi1pk=SERVICE#<service>#CASES``, ``gsi1sk=<id>``: a service's cases without a Scan)
* case list entries ``pk=CASE#<id>`` ``sk=LISTED#<list>`` (see ``directory_lists.py``)
* audit    ``pk=CASE#<id>``        ``sk=AUDIT#<UTC instant>#<nonce>``
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from chalicelib.domain.directory import Case, Contact, Office, Worker
from chalicelib.domain.errors import Conflict
from chalicelib.domain.paging import Page, page_of
from chalicelib.store import directory_lists as lists
from chalicelib.store.table import DecimalAttribute, TableModel
from chalicelib.store.tx import (Transaction, TransactionCancelled, batch_get, client,
                                 query, table_name, to_dynamo)

OFFICE_NAMES_KEY = ("DIRECTORY", "OFFICE_NAMES")
_NAME_OF = "office#"


class OfficeItem(TableModel):
    name = UnicodeAttribute()
    name_sv = UnicodeAttribute(null=True)
    address = UnicodeAttribute()
    rooms = NumberAttribute()


class WorkerItem(TableModel):
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    office = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    language = UnicodeAttribute(default="fi")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


class ContactMap(MapAttribute):
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="fi")
    channels = ListAttribute(of=UnicodeAttribute, null=True)


class CaseItem(TableModel):
    service = UnicodeAttribute()
    workers = ListAttribute(of=UnicodeAttribute)
    social_worker = UnicodeAttribute(null=True)
    start_date = UnicodeAttribute()
    meeting_minutes = NumberAttribute()
    meetings_per_week = NumberAttribute()
    locations = ListAttribute(of=UnicodeAttribute)
    contact = ContactMap()
    reminders = ListAttribute(of=DecimalAttribute)
    worker_reminders = ListAttribute(of=DecimalAttribute, default=list)
    link_epoch = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=0)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


class AuditItem(TableModel):
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()


def office_key(office_id: str) -> tuple[str, str]:
    return "OFFICE", office_id


def worker_key(worker_id: str) -> tuple[str, str]:
    return f"WORKER#{worker_id}", "PROFILE"


def case_key(case_id: str) -> tuple[str, str]:
    return f"CASE#{case_id}", "CASE"


def office_from_item(item: OfficeItem) -> Office:
    return Office(id=item.sk, name=item.name, address=item.address, rooms=int(item.rooms),
                  name_sv=item.name_sv)


def office_from_plain(item: dict) -> Office:
    """An office from a plain item of ``tx.batch_get`` (read with other items)."""
    return Office(id=item["sk"], name=item["name"], address=item["address"],
                  rooms=int(item["rooms"]), name_sv=item.get("name_sv"))


def office_names_from_item(item: dict | None) -> dict[str, str] | None:
    """Names by office id from the raw names item; None when it was never written."""
    if item is None:
        return None
    return {k.removeprefix(_NAME_OF): v["S"] for k, v in item.items() if k.startswith(_NAME_OF)}


def worker_from_item(item: WorkerItem) -> Worker:
    return Worker(
        id=item.pk.removeprefix("WORKER#"),
        name=item.name,
        email=item.email,
        phone=item.phone,
        office=item.office,
        roles=tuple(item.roles or ()),
        language=item.language or "fi",
    )


def worker_from_plain(item: dict) -> Worker:
    """A worker from a plain item (``tx.query``), without PynamoDB's model in between."""
    return Worker(id=item["pk"].removeprefix("WORKER#"), name=item["name"],
                  email=item.get("email"), phone=item.get("phone"), office=item.get("office"),
                  roles=tuple(item.get("roles") or ()), language=item.get("language") or "fi")


def case_from_item(item: CaseItem) -> Case:
    return Case(
        id=item.pk.removeprefix("CASE#"),
        service=item.service,
        workers=tuple(item.workers),
        social_worker=item.social_worker,
        start_date=date.fromisoformat(item.start_date),
        meeting_minutes=int(item.meeting_minutes),
        meetings_per_week=int(item.meetings_per_week),
        locations=tuple(item.locations),
        contact=Contact(item.contact.phone, item.contact.email, item.contact.language,
                        tuple(item.contact.channels) if item.contact.channels else None),
        reminders=tuple(item.reminders),
        worker_reminders=tuple(item.worker_reminders or ()),
        link_epoch=int(item.link_epoch or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version or 0),
    )


def case_to_item(case: Case) -> CaseItem:
    pk, sk = case_key(case.id)
    return CaseItem(
        pk,
        sk,
        service=case.service,
        workers=list(case.workers),
        social_worker=case.social_worker,
        start_date=case.start_date.isoformat(),
        meeting_minutes=case.meeting_minutes,
        meetings_per_week=case.meetings_per_week,
        locations=list(case.locations),
        contact=ContactMap(
            phone=case.contact.phone, email=case.contact.email, language=case.contact.language,
            channels=list(case.contact.channels) if case.contact.channels else None,
        ),
        reminders=list(case.reminders),
        worker_reminders=list(case.worker_reminders),
        link_epoch=case.link_epoch,
        created_at=case.created_at,
        updated_at=case.updated_at,
        version=case.version,
        gsi1pk=service_cases_key(case.service),
        gsi1sk=case.id,
    )


def service_cases_key(service: str) -> str:
    return f"SERVICE#{service}#CASES"


class DynamoDirectory:
    """The directory repository on DynamoDB."""

    def put_office(self, office: Office) -> None:
        """Store the office and its name in the names item, both or neither."""
        tx = Transaction()
        tx.put(OfficeItem(*office_key(office.id), name=office.name, name_sv=office.name_sv,
                          address=office.address, rooms=office.rooms), "office")
        tx.update(*OFFICE_NAMES_KEY, "SET #office = :name", "office-names",
                  names={"#office": _NAME_OF + office.id}, values={":name": office.name})
        tx.commit()

    def sync_office_names(self) -> None:
        """Write the names item from the offices (for a table from before the item)."""
        names = {_NAME_OF + o.id: o.name for o in self.list_offices()}
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
        ids = lists.page_of_ids(name, _cases_listing(worker_id), cursor, size,
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


def _cases_listing(worker_id: str | None) -> str:
    """What a case list's cursor names: the list and its filter."""
    return f"cases:worker={worker_id}" if worker_id else "cases"


class InMemoryDirectory:
    """The same interface over dicts, for fast service tests."""

    def __init__(self):
        self.offices: dict[str, Office] = {}
        self.workers: dict[str, Worker] = {}
        self.cases: dict[str, Case] = {}
        self.audit: dict[str, list[tuple[datetime, str, str]]] = {}

    def put_office(self, office: Office) -> None:
        self.offices[office.id] = office

    def sync_office_names(self) -> None:
        """Nothing to write: the names come from ``offices`` (see ``office_names_item``)."""

    def office_names_item(self) -> dict:
        """The raw names item DynamoDB would hold for these offices (for shared reads)."""
        return {_NAME_OF + o.id: {"S": o.name} for o in self.offices.values()}

    def list_offices(self) -> list[Office]:
        return [self.offices[k] for k in sorted(self.offices)]

    def get_offices(self, ids) -> dict[str, Office]:
        return {i: self.offices[i] for i in set(ids) if i in self.offices}

    def get_offices_and_workers(self, office_ids, worker_ids
                                ) -> tuple[dict[str, Office], dict[str, Worker]]:
        return self.get_offices(office_ids), self.get_workers(worker_ids)

    def put_worker(self, worker: Worker) -> bool:
        created = worker.id not in self.workers
        self.workers[worker.id] = worker
        return created

    def list_workers(self, cursor: str | None, size: int) -> Page[Worker]:
        return page_of("workers", self.workers.values(), lambda w: w.id, cursor, size)

    def office_workers(self, office_id: str | None) -> list[Worker]:
        return [self.workers[k] for k in sorted(self.workers)
                if office_id is None or self.workers[k].office == office_id]

    def get_workers(self, ids) -> dict[str, Worker]:
        return {i: self.workers[i] for i in set(ids) if i in self.workers}

    def get_case(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def save_case(self, case: Case) -> Case:
        stored = self.cases.get(case.id)
        if (stored.version if stored else 0) != case.version:
            raise Conflict("the case was changed by someone else; reload and retry",
                           code="concurrent_update")
        saved = replace(case, version=case.version + 1)
        self.cases[case.id] = saved
        return saved

    def case_ids(self, service: str) -> list[str]:
        return sorted(c.id for c in self.cases.values() if c.service == service)

    def index_lists(self, worker_ids, case_ids) -> None:
        """Nothing to write: the lists are read from ``workers`` and ``cases``."""

    def list_cases(self, worker_id: str | None, cursor: str | None, size: int) -> Page[Case]:
        listed = (c for c in self.cases.values()
                  if worker_id is None or lists.worker_cases(worker_id) in lists.lists_of(c))
        return page_of(_cases_listing(worker_id), listed, lambda c: c.id, cursor, size)

    def add_audit(self, case_id: str, at: datetime, actor: str, action: str) -> None:
        self.audit.setdefault(case_id, []).append((at, actor, action))

    def add_audits(self, case_ids, at: datetime, actor: str, action: str) -> None:
        for case_id in case_ids:
            self.add_audit(case_id, at, actor, action)

    def list_audit(self, case_id: str) -> list[tuple[datetime, str, str]]:
        return sorted(self.audit.get(case_id, []))
