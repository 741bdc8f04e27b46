"""The directory repository: one suite for DynamoDB (moto) and its in-memory twin."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.directory import Case, Contact, Office, Worker
from chalicelib.domain.errors import Conflict, Invalid
from chalicelib.store.directory import DynamoDirectory
from chalicelib.store.memory_directory import InMemoryDirectory
from tests.support.twins import BACKENDS, twin

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
CASE = Case("kstore1", "perhetyo", ("anna", "ben"), date(2026, 12, 1), 90, 2,
            ("home", "kallio"), Contact("+358501234567", "family@example.org", "sv"),
            social_worker="kaisa", reminders=(24.0, 2.5), created_at=T0, updated_at=T0)


@pytest.fixture(params=BACKENDS)
def repo(request):
    return twin(request, InMemoryDirectory, DynamoDirectory)


def test_offices_are_listed_by_id_and_fetched_by_ids(repo):
    repo.put_office(Office("malmi", "Malmi", "Ala-Malmin tori 1", 3))
    repo.put_office(Office("kallio", "Kallio", "Toinen linja 4 A", 2))
    assert sorted(o.id for o in repo.list_offices()) == ["kallio", "malmi"]
    assert repo.get_offices(["kallio", "nowhere"]) == {
        "kallio": Office("kallio", "Kallio", "Toinen linja 4 A", 2)}


def test_an_offices_swedish_name_round_trips(repo):
    repo.put_office(Office("kallio", "Kallio", "Toinen linja 4 A", 2, "Berghäll"))
    assert repo.list_offices()[0].name_sv == "Berghäll"
    assert repo.get_offices(["kallio"])["kallio"].name_in("sv") == "Berghäll"


def test_offices_and_workers_are_read_together_and_unknown_ids_are_left_out(repo):
    kallio = Office("kallio", "Kallio", "Toinen linja 4 A", 2, "Berghäll")
    anna = Worker("anna", "Anna Virtanen", None, None, "kallio", ("instructor",))
    repo.put_office(kallio)
    repo.put_worker(anna)
    assert repo.get_offices_and_workers({"kallio", "malmi"}, ("anna", "ghost")) == (
        {"kallio": kallio}, {"anna": anna})


def test_workers_round_trip_and_unknown_ids_are_left_out(repo):
    anna = Worker("anna", "Anna", "anna@example.org", "+358401110001", "kallio",
                  ("instructor", "on-call"))
    repo.put_worker(anna)
    assert repo.get_workers(["anna", "ghost"]) == {"anna": anna}


def test_a_case_round_trips_and_its_version_counts_saves(repo):
    saved = repo.save_case(CASE)
    assert saved.version == 1
    assert repo.get_case("kstore1") == saved
    assert repo.get_case("knone") is None
    changed = repo.save_case(replace(saved, meetings_per_week=3, updated_at=T0 + timedelta(1)))
    assert (changed.version, repo.get_case("kstore1").meetings_per_week) == (2, 3)


def test_a_stale_save_is_refused_and_changes_nothing(repo):
    saved = repo.save_case(CASE)
    repo.save_case(replace(saved, meetings_per_week=3))
    with pytest.raises(Conflict):
        repo.save_case(replace(saved, meetings_per_week=1))
    with pytest.raises(Conflict):
        repo.save_case(CASE)  # a second insert of the same id
    assert repo.get_case("kstore1").meetings_per_week == 3


def test_cases_are_found_by_service(repo):
    repo.save_case(CASE)
    repo.save_case(replace(CASE, id="kstore2", service="tukihenkilotoiminta"))
    assert repo.case_ids("perhetyo") == ["kstore1"]


def test_the_audit_trail_keeps_every_entry_in_time_order(repo):
    repo.add_audit("kstore1", T0 + timedelta(minutes=1), "worker:anna", "case.read")
    repo.add_audit("kstore1", T0, "coordinator:c", "case.create")
    repo.add_audit("kstore1", T0, "coordinator:c", "case.update")
    entries = repo.list_audit("kstore1")
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    assert {e[2] for e in entries} == {"case.create", "case.update", "case.read"}
    assert repo.list_audit("kother") == []


def test_office_names_are_one_item_written_with_each_office_or_synced_once(aws):
    from chalicelib import bootstrap
    from chalicelib.store.directory_items import OFFICE_NAMES_KEY, OfficeItem, office_names_from_item
    from chalicelib.store.tx import batch_get

    def names():
        found = batch_get([OFFICE_NAMES_KEY], consistent=True, raw=True)
        return office_names_from_item(found.get(OFFICE_NAMES_KEY))

    bootstrap.wiring()
    repo = DynamoDirectory()
    OfficeItem("OFFICE", "malmi", name="Malmi", address="Ala-Malmin tori 1", rooms=3).save()
    assert names() is None  # a table from before the names item
    repo.sync_office_names()
    assert names() == {"malmi": "Malmi"}
    repo.put_office(Office("kallio", "Kallio", "Toinen linja 4 A", 2))
    repo.put_office(Office("malmi", "Malmin perhekeskus", "Ala-Malmin tori 1", 3))
    assert names() == {"kallio": "Kallio", "malmi": "Malmin perhekeskus"}


def _all_pages(list_page, **filters) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = list_page(cursor=cursor, size=2, **filters)
        pages.append([item.id for item in page.items])
        if page.cursor is None:
            return pages
        cursor = page.cursor


def test_workers_are_listed_in_pages_and_a_new_one_is_told_from_a_replaced_one(repo):
    created = [repo.put_worker(Worker(w, w.title(), None, None, None, ())) for w in
               ("cid", "anna", "ben", "dora", "eve")]
    assert created == [True] * 5
    assert repo.put_worker(Worker("ben", "Ben B", None, None, None, ())) is False
    assert _all_pages(repo.list_workers) == [["anna", "ben"], ["cid", "dora"], ["eve"]]


def test_cases_are_listed_for_everyone_and_per_worker_and_a_change_moves_them(repo):
    first = repo.save_case(CASE)  # anna and ben, social worker kaisa
    repo.save_case(replace(CASE, id="kstore2", workers=("ben",), social_worker=None))
    repo.save_case(replace(CASE, id="kstore3", workers=("cid",), social_worker=None))
    assert _all_pages(repo.list_cases, worker_id=None) == [["kstore1", "kstore2"], ["kstore3"]]
    assert _all_pages(repo.list_cases, worker_id="ben") == [["kstore1", "kstore2"]]
    assert _all_pages(repo.list_cases, worker_id="kaisa") == [["kstore1"]]
    repo.save_case(replace(first, workers=("cid",), social_worker=None))
    assert _all_pages(repo.list_cases, worker_id="ben") == [["kstore2"]]
    assert _all_pages(repo.list_cases, worker_id="kaisa") == [[]]
    assert _all_pages(repo.list_cases, worker_id="cid") == [["kstore1", "kstore3"]]
    assert repo.list_cases(None, None, 5).items[0] == repo.get_case("kstore1")


def test_a_stale_save_leaves_the_lists_as_they_were(repo):
    saved = repo.save_case(CASE)
    repo.save_case(replace(saved, workers=("cid",)))
    with pytest.raises(Conflict):
        repo.save_case(replace(saved, workers=("dora",)))
    assert _all_pages(repo.list_cases, worker_id="dora") == [[]]
    assert _all_pages(repo.list_cases, worker_id="cid") == [["kstore1"]]


def test_a_cursor_of_one_list_is_refused_by_another(repo):
    for w in ("anna", "ben", "cid"):
        repo.put_worker(Worker(w, w, None, None, None, ()))
    cursor = repo.list_workers(None, 1).cursor
    with pytest.raises(Invalid):
        repo.list_cases("anna", cursor, 1)


def test_listed_cases_get_one_audit_entry_each(repo):
    repo.add_audits(["kstore1", "kstore2"], T0, "worker:anna", "case.list")
    assert repo.list_audit("kstore2") == [(T0, "worker:anna", "case.list")]


def test_workers_and_cases_from_before_the_lists_are_put_on_them_once(aws):
    import boto3

    from chalicelib import bootstrap
    from chalicelib.store.directory_lists import listed_ids

    bootstrap.wiring()
    repo, ddb = DynamoDirectory(), boto3.client("dynamodb", region_name="eu-north-1")
    repo.put_worker(Worker("anna", "Anna", None, None, None, ()))
    repo.save_case(CASE)
    table = aws["TAPAAMO_TABLE"]
    ddb.update_item(TableName=table, Key={"pk": {"S": "WORKER#anna"}, "sk": {"S": "PROFILE"}},
                    UpdateExpression="REMOVE gsi1pk, gsi1sk")
    for listed in ("CASES", "WORKER#anna#CASES", "WORKER#ben#CASES", "WORKER#kaisa#CASES"):
        ddb.delete_item(TableName=table, Key={"pk": {"S": "CASE#kstore1"},
                                              "sk": {"S": f"LISTED#{listed}"}})
    assert (repo.list_workers(None, 5).items, repo.list_cases("ben", None, 5).items) == ((), ())
    assert listed_ids() == (["anna"], ["kstore1"])
    for _ in range(2):
        repo.index_lists(*listed_ids())
    assert [w.id for w in repo.list_workers(None, 5).items] == ["anna"]
    assert [c.id for c in repo.list_cases("ben", None, 5).items] == ["kstore1"]
