"""Feedback surveys per service and the one feedback message each case gets, in DynamoDB.

Item layout:

* survey ``pk=SURVEY#<service>`` ``sk=SURVEY``: url (e.g. a Webropol link), updated_at,
  updated_by.
* sent ``pk=FEEDBACK#<case>`` ``sk=FEEDBACK``: url, appointment (the final meeting),
  sent_at. Put with ``attribute_not_exists`` in the same transaction that queues the
  message: however often or in parallel a final meeting is recorded held, one message.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.store.tx import Transaction, client, table_name, to_dynamo, utc_iso


def survey_key(service: str) -> tuple[str, str]:
    return f"SURVEY#{service}", "SURVEY"


def sent_key(case_id: str) -> tuple[str, str]:
    return f"FEEDBACK#{case_id}", "FEEDBACK"


def put_survey(service: str, url: str, actor: str, now: datetime) -> None:
    pk, sk = survey_key(service)
    item = {"pk": pk, "sk": sk, "url": url, "updated_at": utc_iso(now), "updated_by": actor}
    client().put_item(TableName=table_name(), Item={k: to_dynamo(v) for k, v in item.items()})


def mark_sent(tx: Transaction, case_id: str, url: str, appointment_id: str,
              now: datetime) -> None:
    """Add the case's one "feedback sent" record to ``tx`` (label ``feedback`` fails when
    it was sent before)."""
    pk, sk = sent_key(case_id)
    tx.put({"pk": pk, "sk": sk, "url": url, "appointment": appointment_id,
            "sent_at": utc_iso(now)}, "feedback", "attribute_not_exists(pk)")


def url_of(items: dict, key: tuple[str, str]) -> str | None:
    """The ``url`` of a survey or sent record among batch-read ``items``."""
    item = items.get(key)
    return item["url"] if item else None
