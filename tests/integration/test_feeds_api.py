"""Calendar feeds through chalice.test.Client on moto: tokens, content, HTTP caching,
privacy, and the same instants in icalendar, recurring-ical-events and ical.js.

Appointments are written here as booking will write them (an agenda entry per worker
and the appointment under ``by_parent``) until booking's API lands on main.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import time_machine

from chalicelib.domain.workdays import HELSINKI
from tests.support.api import call, make_case, make_office, make_worker, unique
from tests.support.ics import assert_ics_wellformed, assert_parsers_agree

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
FAMILY_PHONE, FAMILY_EMAIL = "040 123 4567", "family@example.org"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coord(token, clock):
    return token("coordinator")


@pytest.fixture
def team(client, coord, token):
    """A worker at Itäkeskus with one family (Swedish-speaking) and one other family."""
    office = make_office(client, coord, unique("itis"), name="Itäkeskus")
    worker = make_worker(client, coord, office=office, phone="040 555 0101")
    case = make_case(client, coord, [worker], locations=("home", office),
                     contact={"phone": FAMILY_PHONE, "email": FAMILY_EMAIL, "language": "sv"})
    other = make_case(client, coord, [worker])
    return {"office": office, "worker": worker, "case": case["id"], "other": other["id"],
            "auth": token("worker", worker)}


def ddb():
    return boto3.client("dynamodb", region_name="eu-north-1")


def put_appointment(aws, workers, case_id, start, **fields) -> str:
    """Write an appointment the way booking does: per-worker agenda entries + by_parent."""
    appointment_id, items = appointment_items(workers, case_id, start, **fields)
    write(aws, items)
    return appointment_id


def write(aws, items) -> None:
    for at in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": {
            k: ({"N": v} if k == "sequence" else {"S": v}) for k, v in item.items()}}}
            for item in items[at:at + 25]]
        ddb().batch_write_item(RequestItems={aws["TAPAAMO_TABLE"]: requests})


def appointment_items(workers, case_id, start, *, minutes=90, location="home",
                      kind="meeting", status="booked", sequence=0, updated_at=None):
    appointment_id = unique("a")
    start_utc = start.astimezone(UTC)
    fields = {
        "case_id": case_id, "start": start_utc.isoformat(),
        "end": (start_utc + timedelta(minutes=minutes)).isoformat(), "location": location,
        "kind": kind, "status": status, "sequence": str(sequence),
        "created_at": NOW.isoformat(), "updated_at": (updated_at or NOW).isoformat(),
        "appointment_id": appointment_id,
    }
    items = [{"pk": f"AGENDA#{w}", "sk": f"{start_utc.isoformat()}#{appointment_id}", **fields}
             for w in workers]
    items.append({"pk": f"APPT#{appointment_id}", "sk": "APPT",
                  "gsi1pk": f"CASE#{case_id}#APPTS", "gsi1sk": start_utc.isoformat(), **fields})
    return appointment_id, items


def put_link(aws, case_id, *, expires_at=NOW + timedelta(days=30)) -> str:
    token = f"{case_id}.{unique('s')}{'x' * 24}"
    digest = hashlib.sha256(token.encode()).hexdigest()
    ddb().put_item(TableName=aws["TAPAAMO_TABLE"], Item={
        "pk": {"S": f"LINK#{digest}"}, "sk": {"S": "LINK"}, "case_id": {"S": case_id},
        "expires_at": {"S": expires_at.isoformat()}, "epoch": {"N": "0"}})
    return token


def feed_path(client, headers, worker) -> str:
    status, body = call(client, "POST", f"/workers/{worker}/feed-tokens", headers)
    assert status == 201, body
    assert body["url"].startswith("http://tapaamo.test/feeds/")
    return body["url"].removeprefix("http://tapaamo.test")


def get(client, path, **headers):
    return client.http.get(path, headers=headers)


def helsinki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def test_a_worker_feed_reads_the_same_in_three_parsers_across_dst(client, aws, team):
    starts = [helsinki(2026, 2, 3, 9, 0), helsinki(2026, 3, 30, 9, 0),
              helsinki(2026, 10, 26, 14, 30), helsinki(2027, 1, 15, 8, 0)]
    ids = [put_appointment(aws, [team["worker"]], team["case"], s,
                           location=team["office"] if i % 2 else "home")
           for i, s in enumerate(starts)]
    response = get(client, feed_path(client, team["auth"], team["worker"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = assert_ics_wellformed(response.body)
    events = {e["uid"]: e for e in assert_parsers_agree(response.body)}
    for appointment_id, start in zip(ids, starts):
        event = events[f"appt-{appointment_id}@tapaamo"]
        assert event["start"] == start.astimezone(UTC)
        assert event["end"] == start.astimezone(UTC) + timedelta(minutes=90)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert summaries == {f"Tapaamo {team['case']} · kotikäynti",
                         f"Tapaamo {team['case']} · tapaaminen · Itäkeskus"}
    assert "Itäkeskus".encode() in response.body  # UTF-8, not escaped or mangled
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["DESCRIPTION"]).endswith(f"http://tapaamo.test/appointments/{ids[0]}")
    assert vevent.decoded("DTSTAMP") == NOW and str(vevent["CLASS"]) == "PRIVATE"


def test_the_feed_has_a_strong_etag_and_answers_304_without_a_body(client, aws, team):
    put_appointment(aws, [team["worker"]], team["case"], helsinki(2026, 2, 10, 9, 0))
    path = feed_path(client, team["auth"], team["worker"])
    first = get(client, path)
    etag = first.headers["ETag"]
    assert etag == f'"{hashlib.sha256(first.body).hexdigest()}"'
    assert "private" in first.headers["Cache-Control"]
    again = get(client, path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.body == b""
    assert again.headers["ETag"] == etag
    assert get(client, path, **{"If-None-Match": '"stale"'}).status_code == 200


def test_the_same_data_gives_the_same_bytes_later(client, aws, team, clock):
    put_appointment(aws, [team["worker"]], team["case"], helsinki(2026, 2, 10, 9, 0))
    path = feed_path(client, team["auth"], team["worker"])
    first = get(client, path).body
    clock.shift(timedelta(hours=5))
    assert get(client, path).body == first


def test_a_cancelled_appointment_stays_30_days_then_leaves(client, aws, team, clock):
    start = helsinki(2026, 6, 1, 10, 0)
    appointment = put_appointment(aws, [team["worker"]], team["case"], start, sequence=0)
    path = feed_path(client, team["auth"], team["worker"])
    booked = {e["uid"]: e for e in assert_parsers_agree(get(client, path).body)}
    uid = f"appt-{appointment}@tapaamo"
    _cancel(aws, appointment, sequence=1)
    body = get(client, path).body
    cancelled = {e["uid"]: e for e in assert_parsers_agree(body)}[uid]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["sequence"] > booked[uid]["sequence"]
    assert b"TRANSP:TRANSPARENT" in body
    clock.shift(timedelta(days=30, seconds=1))
    assert uid not in {e["uid"] for e in assert_parsers_agree(get(client, path).body)}


def _cancel(aws, appointment_id, sequence):
    """Cancel as booking does: every copy gets the status, a higher sequence and a time."""
    for item in ddb().scan(TableName=aws["TAPAAMO_TABLE"])["Items"]:  # test data only
        if item.get("appointment_id", {}).get("S") == appointment_id:
            item |= {"status": {"S": "cancelled"}, "sequence": {"N": str(sequence)},
                     "updated_at": {"S": NOW.isoformat()}}
            ddb().put_item(TableName=aws["TAPAAMO_TABLE"], Item=item)


def test_the_feed_spans_30_days_back_to_365_ahead(client, aws, team):
    inside = [NOW - timedelta(days=29), NOW + timedelta(days=364)]
    outside = [NOW - timedelta(days=40), NOW + timedelta(days=366)]
    ids = {put_appointment(aws, [team["worker"]], team["case"], s): s in inside
           for s in inside + outside}
    uids = {e["uid"] for e in assert_parsers_agree(
        get(client, feed_path(client, team["auth"], team["worker"])).body)}
    assert uids == {f"appt-{i}@tapaamo" for i, shown in ids.items() if shown}


def test_a_new_token_revokes_the_old_url(client, aws, team, coord):
    old = feed_path(client, team["auth"], team["worker"])
    new = feed_path(client, coord, team["worker"])
    assert get(client, old).status_code == 404
    assert get(client, new).status_code == 200


@pytest.mark.parametrize("path", [
    "/feeds/nonsense.ics", "/feeds/w-nobody.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
    "/feeds/{worker}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "/feeds/{token}",
])
def test_unknown_or_malformed_feed_tokens_are_404(client, team, path):
    token = feed_path(client, team["auth"], team["worker"]).removeprefix("/feeds/")
    path = path.format(worker=team["worker"], token=token.removesuffix(".ics"))
    response = get(client, path)
    assert response.status_code == 404
    assert team["worker"].encode() not in response.body


def test_a_worker_may_not_mint_another_workers_token(client, coord, team, token):
    other = make_worker(client, coord)
    status, body = call(client, "POST", f"/workers/{other}/feed-tokens", team["auth"])
    assert status == 403, body
    assert call(client, "POST", "/workers/nobody-here/feed-tokens", coord)[0] == 404
    assert call(client, "POST", f"/workers/{other}/feed-tokens", {})[0] == 401


def test_feeds_carry_no_names_phones_emails_or_addresses(client, aws, coord, team):
    put_appointment(aws, [team["worker"]], team["case"], helsinki(2026, 2, 10, 9, 0))
    put_appointment(aws, [team["worker"]], team["case"], helsinki(2026, 2, 12, 9, 0),
                    location=team["office"])
    worker_feed = get(client, feed_path(client, team["auth"], team["worker"])).body
    family_feed = get(client, f"/book/{put_link(aws, team['case'])}/calendar.ics").body
    secrets_ = ["Test Worker", "+358405550101", "040 555 0101", f"{team['worker']}@example.org",
                FAMILY_PHONE, "+358401234567", FAMILY_EMAIL]
    for feed in (worker_feed, family_feed):
        text = feed.decode().replace("\r\n ", "")  # unfold before grepping
        assert not [s for s in secrets_ if s.lower() in text.lower()]
    assert b"Toinen linja" not in worker_feed  # the office address is for the family only


def test_the_family_feed_shows_their_own_appointments_in_their_language(client, aws, team):
    mine = put_appointment(aws, [team["worker"]], team["case"], helsinki(2026, 4, 2, 9, 0),
                           location=team["office"], kind="network")
    theirs = put_appointment(aws, [team["worker"]], team["other"], helsinki(2026, 4, 3, 9))
    link = put_link(aws, team["case"])
    response = get(client, f"/book/{link}/calendar.ics")
    assert response.status_code == 200 and response.headers["ETag"]
    calendar = assert_ics_wellformed(response.body)
    events = assert_parsers_agree(response.body)
    assert [e["uid"] for e in events] == [f"appt-{mine}@tapaamo"]
    assert events[0]["summary"] == "Tapaamo · nätverksmöte"
    assert events[0]["start"] == helsinki(2026, 4, 2, 9, 0).astimezone(UTC)
    location = str(calendar.walk("VEVENT")[0]["LOCATION"])
    assert location == "Itäkeskus, Toinen linja 4, Helsinki"
    single = get(client, f"/book/{link}/appointments/{mine}.ics")
    assert single.status_code == 200
    assert [e["uid"] for e in assert_parsers_agree(single.body)] == [f"appt-{mine}@tapaamo"]
    assert get(client, f"/book/{link}/appointments/{theirs}.ics").status_code == 404


def test_family_calendars_need_a_live_link(client, aws, team):
    expired = put_link(aws, team["case"], expires_at=NOW - timedelta(seconds=1))
    assert get(client, f"/book/{expired}/calendar.ics").status_code == 410
    forged = f"{team['case']}.{'A' * 32}"
    assert get(client, f"/book/{forged}/calendar.ics").status_code == 404


def test_a_500_appointment_feed_costs_at_most_two_round_trips(client, aws, team, monkeypatch):
    from botocore.client import BaseClient

    path = feed_path(client, team["auth"], team["worker"])
    rows = [appointment_items([team["worker"]], team["case"], NOW + timedelta(hours=6 * i + 1),
                              location=team["office"])[1][0] for i in range(500)]
    write(aws, rows)
    calls = []  # every botocore client: PynamoDB keeps one per model class
    real = BaseClient._make_api_call
    monkeypatch.setattr(BaseClient, "_make_api_call",
                        lambda self, op, params: (calls.append(op), real(self, op, params))[1])
    first = get(client, path)
    assert first.status_code == 200
    assert first.body.count(b"BEGIN:VEVENT") == len(rows)
    # The agenda Query (+ office names and the on-call rota, each cached per process).
    assert len(calls) <= 3, calls
    calls.clear()
    assert get(client, path).body == first.body
    assert calls == ["Query"]
