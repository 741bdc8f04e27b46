"""Staff lists through HTTP (chalice.test.Client on moto): paged, role-checked, audited."""

import pytest

from harness.api import call, make_case, make_worker


@pytest.fixture
def coord(token):
    return token("coordinator")


def _pages(client, headers, path: str, key: str, limit: int = 2) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = f"{path}{'&' if '?' in path else '?'}limit={limit}"
        status, body = call(client, "GET", query + (f"&cursor={cursor}" if cursor else ""),
                            headers)
        assert status == 200, body
        pages.append([item["id"] for item in body[key]])
        cursor = body["cursor"]
        if cursor is None:
            return pages


def test_putting_a_worker_answers_201_when_new_and_200_when_replaced(client, coord):
    body = {"name": "Aino Aalto", "email": "aino@example.org"}
    assert call(client, "PUT", "/workers/w-new", coord, body)[0] == 201
    status, replaced = call(client, "PUT", "/workers/w-new", coord, {**body, "name": "Aino A"})
    assert (status, replaced["name"]) == (200, "Aino A")


def test_a_coordinator_pages_through_the_workers(client, coord):
    for worker in ("w-c", "w-a", "w-e", "w-b", "w-d"):
        make_worker(client, coord, worker)
    assert _pages(client, coord, "/workers", "workers") == [["w-a", "w-b"], ["w-c", "w-d"],
                                                             ["w-e"]]
    status, body = call(client, "GET", "/workers", coord)
    assert status == 200 and body["workers"][0] == {
        "id": "w-a", "name": "Test Worker", "email": "w-a@example.org",
        "phone": "+358401000001", "office": None, "roles": ["instructor"], "language": "fi"}


def test_a_worker_may_not_list_the_staff_directory(client, coord, token):
    make_worker(client, coord, "w-a")
    status, body = call(client, "GET", "/workers", token("worker", "w-a"))
    assert status == 403 and body["error"]["code"] == "forbidden"


def test_a_coordinator_lists_every_case_or_one_workers(client, coord):
    anna, ben, cid = (make_worker(client, coord, w) for w in ("w-anna", "w-ben", "w-cid"))
    both = make_case(client, coord, [anna, ben])["id"]
    bens = make_case(client, coord, [ben], social_worker=cid)["id"]
    assert sorted(sum(_pages(client, coord, "/cases", "cases"), [])) == sorted([both, bens])
    assert sum(_pages(client, coord, f"/cases?worker={anna}", "cases"), []) == [both]
    assert sum(_pages(client, coord, f"/cases?worker={cid}", "cases"), []) == [bens]


def test_a_listed_case_shows_who_and_where_but_not_how_to_reach_the_family(client, coord):
    worker = make_worker(client, coord)
    case = make_case(client, coord, [worker])
    status, body = call(client, "GET", "/cases", coord)
    assert status == 200 and body == {"cursor": None, "cases": [{
        "id": case["id"], "service": "tehostettu-perhetyo", "workers": [worker],
        "social_worker": None, "start_date": "2026-11-02", "meetings_per_week": 2,
        "locations": ["home"]}]}


def test_a_worker_lists_only_their_own_cases(client, coord, token):
    mine, other = make_worker(client, coord), make_worker(client, coord)
    own = make_case(client, coord, [mine])["id"]
    make_case(client, coord, [other])
    headers = token("worker", mine)
    assert sum(_pages(client, headers, "/cases", "cases"), []) == [own]
    assert sum(_pages(client, headers, f"/cases?worker={mine}", "cases"), []) == [own]
    status, body = call(client, "GET", f"/cases?worker={other}", headers)
    assert status == 403 and body["error"]["code"] == "forbidden"


def test_a_change_of_workers_moves_the_case_between_their_lists(client, coord):
    before, after = make_worker(client, coord), make_worker(client, coord)
    case = make_case(client, coord, [before])["id"]
    assert call(client, "PATCH", f"/cases/{case}", coord, {"workers": [after]})[0] == 200
    assert _pages(client, coord, f"/cases?worker={before}", "cases") == [[]]
    assert _pages(client, coord, f"/cases?worker={after}", "cases") == [[case]]


def test_listing_a_case_is_written_to_its_audit_trail(client, coord, token):
    worker = make_worker(client, coord)
    case = make_case(client, coord, [worker])["id"]
    call(client, "GET", "/cases", token("worker", worker))
    entries = call(client, "GET", f"/cases/{case}/audit", coord)[1]["entries"]
    assert [(e["actor"], e["action"]) for e in entries][:2] == [
        ("coordinator:local-coordinator", "case.create"), (f"worker:{worker}", "case.list")]


@pytest.mark.parametrize("query", ["cursor=garbage", "cursor=", "cursor=WzEsIngiLCJ5Il0",
                                   "limit=0", "limit=101", "limit=two"])
def test_a_bad_cursor_or_limit_is_400(client, coord, query):
    status, body = call(client, "GET", f"/cases?{query}", coord)
    assert status == 400, body
    assert body["error"]["field"] in ("cursor", "limit")


def test_a_cursor_of_another_list_is_400(client, coord):
    for worker in ("w-a", "w-b"):
        make_worker(client, coord, worker)
    cursor = call(client, "GET", "/workers?limit=1", coord)[1]["cursor"]
    status, body = call(client, "GET", f"/cases?cursor={cursor}", coord)
    assert (status, body["error"]["code"]) == (400, "bad_cursor")
    status, body = call(client, "GET", f"/cases?worker=w-a&cursor={cursor}", coord)
    assert (status, body["error"]["code"]) == (400, "bad_cursor")


def test_lists_need_a_token(client):
    for path in ("/cases", "/workers"):
        assert call(client, "GET", path, {})[0] == 401
