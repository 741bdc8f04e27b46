"""The directory's items: offices, workers, cases and audit entries as PynamoDB models,
their keys, and the conversions to and from the domain's values.

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

from datetime import date

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.domain.directory import Case, Contact, Office, Worker
from chalicelib.store.table import DecimalAttribute, TableModel

OFFICE_NAMES_KEY = ("DIRECTORY", "OFFICE_NAMES")
NAME_OF = "office#"


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
    return {k.removeprefix(NAME_OF): v["S"] for k, v in item.items() if k.startswith(NAME_OF)}


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


def cases_listing(worker_id: str | None) -> str:
    """What a case list's cursor names: the list and its filter."""
    return f"cases:worker={worker_id}" if worker_id else "cases"
