"""Busy times from a worker's own calendar block exactly those times (issue 20).

Each source is real and on loopback: a published .ics served by a server thread, a
Radicale CalDAV server, and a Microsoft Graph fake answering getSchedule. The family's
slots with the source synced are the slots without it minus exactly those overlapping the
busy times; a busy time added after the page was drawn makes that booking 409.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local
from chalicelib.local.queue import LocalQueue
from chalicelib.services.busy import QUEUE
from harness.api import call
from harness.booking import book, coord, make_family  # noqa: F401 - coord: a fixture
from harness.calendar_servers import (EXPECTED_BUSY, GraphFake, IcsServer,
                                            RadicaleServer, event_documents, one_event,
                                            schedule_item)

# A Monday; the DST change is on Sunday 28 March. 07:30, so that ten minutes later the
# 24-hour notice still lets the family book Tuesday's first slot.
NOW = at_local(date(2027, 3, 22), 7, 30)
FIRST_DAY, DAYS = date(2027, 3, 23), 22


@pytest.fixture
def clock(aws):  # coord (harness.booking) mints its token at this clock
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def family(client, coord):
    # 100-minute meetings: a slot 08:30-10:10 ends inside the half hour a 10:15 hearing
    # starts in, and must stay bookable.
    return make_family(client, coord, meeting_minutes=100)


def slots(client, family) -> list[dict]:
    status, body = call(client, "GET", f"{family.base}/slots?from={FIRST_DAY}&days={DAYS}", {})
    assert status == 200, body
    return body["slots"]


def inner(found: list[dict]) -> list[dict]:
    """The slots of 24 March to 12 April: ones the moving clock's notice and horizon do not
    change when a test lets ten minutes pass."""
    return [s for s in found if "2027-03-24" <= s["start"][:10] <= "2027-04-12"]


def span(slot: dict) -> Interval:
    return Interval(datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"]))


def sweep(client) -> dict:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            resources=[], detail={})
    return client.lambda_.invoke("busy_sweep", event).payload


def sync_now(client, headers, worker, local_dir) -> None:
    """POST .../sync, then deliver the queued message to its handler (the pump's job)."""
    status, body = call(client, "POST", f"/workers/{worker}/busy-source/sync", headers)
    assert status == 202, body
    queue = LocalQueue(local_dir)
    messages = queue.receive(QUEUE, 10)
    assert messages, "the sync request was not queued"
    event = client.events.generate_sqs_event(message_bodies=[m.body for m in messages],
                                             queue_name=QUEUE)
    client.lambda_.invoke("busy_sync", event)
    for message in messages:
        queue.delete(QUEUE, message.message_id)


def assert_exactly_busy_removed(before: list[dict], after: list[dict], busy) -> None:
    expected = [s for s in before if not any(span(s).overlaps(b) for b in busy)]
    assert after == expected
    for interval in busy:  # every busy time removed something: the test can fail
        assert any(span(s).overlaps(interval) for s in before), interval


def put_source(client, headers, worker, source) -> dict:
    status, body = call(client, "PUT", f"/workers/{worker}/busy-source", headers, source)
    assert status == 200, body
    return body


def test_a_published_ics_link_blocks_exactly_its_busy_times(client, coord, family):
    before = slots(client, family)
    worker = family.workers[0]
    with IcsServer(event_documents()) as server:
        shown = put_source(client, coord, worker, {"kind": "ics", "url": server.url})
        assert shown["host"] == "127.0.0.1" and "s3cr3t" not in json.dumps(shown)
        assert sweep(client) == {"synced": 1}
        assert_exactly_busy_removed(before, slots(client, family), EXPECTED_BUSY)

        status, shown = call(client, "GET", f"/workers/{worker}/busy-source", coord)
        assert status == 200
        assert shown == {"kind": "ics", "host": "127.0.0.1", "busy_count": shown["busy_count"],
                         "last_sync_at": NOW.isoformat(), "last_error": None}
        assert shown["busy_count"] >= len(EXPECTED_BUSY)


def test_the_sweep_asks_with_the_etag_and_a_304_changes_nothing(client, coord, family, clock):
    worker = family.workers[0]
    with IcsServer(event_documents()) as server:
        put_source(client, coord, worker, {"kind": "ics", "url": server.url})
        sweep(client)
        synced = slots(client, family)
        assert sweep(client) == {}  # not due again for 10 minutes
        clock.shift(11 * 60)
        assert sweep(client) == {"unchanged": 1}
        assert server.answers == [200, 304]
        assert inner(slots(client, family)) == inner(synced)


def test_a_failing_source_keeps_the_last_good_busy_times(client, coord, family, clock):
    before = slots(client, family)
    worker = family.workers[0]
    with IcsServer(event_documents()) as server:
        put_source(client, coord, worker, {"kind": "ics", "url": server.url})
        sweep(client)
        synced = slots(client, family)
        server.status = 500
        clock.shift(11 * 60)
        assert sweep(client) == {"failed": 1}
    status, shown = call(client, "GET", f"/workers/{worker}/busy-source", coord)
    assert shown["last_error"] == "127.0.0.1: HTTP 500"
    assert shown["last_sync_at"] == NOW.isoformat()
    assert inner(slots(client, family)) == inner(synced) != inner(before)


def test_a_busy_time_added_after_the_page_was_drawn_makes_that_booking_409(
        client, coord, family, aws):
    worker = family.workers[1]
    with IcsServer(event_documents()) as server:
        put_source(client, coord, worker, {"kind": "ics", "url": server.url})
        sweep(client)
        page = slots(client, family)
        wanted = next(s for s in page if s["start"] == at_local(date(2027, 4, 1), 11).isoformat())
        # The worker adds a meeting 12:00-13:00 Helsinki in Outlook after the page was drawn.
        server.publish(event_documents((one_event(
            "later@example.org", datetime(2027, 4, 1, 9, tzinfo=UTC),
            datetime(2027, 4, 1, 10, tzinfo=UTC)),)))
        sync_now(client, coord, worker, aws["TAPAAMO_LOCAL_DIR"])
    status, body = book(client, family, wanted["start"])
    assert status == 409 and body["error"]["code"] == "slot_taken"
    free = next(s for s in page if s["start"] == at_local(date(2027, 4, 1), 8).isoformat())
    assert book(client, family, free["start"])[0] == 201


def test_a_caldav_calendar_blocks_exactly_its_busy_times(client, coord, family, aws, tmp_path):
    before = slots(client, family)
    worker = family.workers[0]
    local_dir = tmp_path / "local"
    local_dir.mkdir(exist_ok=True)
    (local_dir / "secrets.json").write_text(json.dumps({"aino-caldav": RadicaleServer.PASSWORD}))
    (tmp_path / "radicale").mkdir()
    with RadicaleServer(tmp_path / "radicale") as server:
        server.put_events(event_documents())
        put_source(client, coord, worker, {"kind": "caldav", "url": server.calendar_url,
                                           "username": server.USER,
                                           "secret_ref": "aino-caldav"})
        assert sweep(client) == {"synced": 1}
        assert_exactly_busy_removed(before, slots(client, family), EXPECTED_BUSY)


def test_a_caldav_password_that_is_wrong_is_a_recorded_error(client, coord, family, tmp_path):
    worker = family.workers[0]
    (tmp_path / "radicale").mkdir()
    with RadicaleServer(tmp_path / "radicale") as server:
        put_source(client, coord, worker, {"kind": "caldav", "url": server.calendar_url,
                                           "username": server.USER, "secret_ref": "missing"})
        assert sweep(client) == {"failed": 1}
    status, shown = call(client, "GET", f"/workers/{worker}/busy-source", coord)
    assert shown["last_error"] == "127.0.0.1: HTTP 401"
    assert "salasana" not in json.dumps(shown)


def graph_items() -> list[dict]:
    """The same busy times as getSchedule reports them, plus statuses that do not block."""
    def utc(interval):
        return interval.start.astimezone(UTC), interval.end.astimezone(UTC)

    blocking = [schedule_item(s, *utc(i)) for s, i in zip(
        ("oof", "busy", "tentative", "busy", "busy"), EXPECTED_BUSY)]
    free = [schedule_item("free", datetime(2027, 3, 24, 8, tzinfo=UTC),
                          datetime(2027, 3, 24, 9, tzinfo=UTC)),
            schedule_item("workingElsewhere", datetime(2027, 3, 31, 10, tzinfo=UTC),
                          datetime(2027, 3, 31, 11, tzinfo=UTC))]
    return blocking + free


def test_microsoft_graph_get_schedule_blocks_busy_tentative_and_oof_only(
        client, coord, family, tmp_path, monkeypatch):
    before = slots(client, family)
    worker = family.workers[0]
    with GraphFake(tmp_path, graph_items()) as graph:
        monkeypatch.setenv("TAPAAMO_GRAPH_TENANT", graph.TENANT)
        monkeypatch.setenv("TAPAAMO_GRAPH_CLIENT_ID", graph.CLIENT_ID)
        monkeypatch.setenv("TAPAAMO_GRAPH_CLIENT_SECRET", graph.SECRET)
        monkeypatch.setenv("TAPAAMO_GRAPH_URL", graph.base)
        monkeypatch.setenv("TAPAAMO_GRAPH_LOGIN_URL", graph.base)
        monkeypatch.setenv("TAPAAMO_SOURCE_CA_FILE", graph.cert)
        shown = put_source(client, coord, worker, {"kind": "graph",
                                                   "mailbox": "aino.virtanen@hel.example"})
        assert shown["host"] == "hel.example"
        assert sweep(client) == {"synced": 1}
        asked = graph.requests
    assert_exactly_busy_removed(before, slots(client, family), EXPECTED_BUSY)
    # 120 days in parts of under 42 days, in UTC, with the app's token.
    assert len(asked) == 3 and all(r["prefer"] == 'outlook.timezone="UTC"' for r in asked)
    assert asked[0]["path"] == "/v1.0/users/aino.virtanen%40hel.example/calendar/getSchedule"
    assert asked[0]["body"]["startTime"] == {"dateTime": "2027-03-21T22:00:00", "timeZone": "UTC"}


def test_only_the_worker_or_a_coordinator_manages_a_source(client, coord, family, token):
    worker, other = family.workers
    source = {"kind": "ics", "url": "https://calendar.example.org/s/abc.ics"}
    own = token("worker", worker)
    assert call(client, "PUT", f"/workers/{worker}/busy-source", own, source)[0] == 200
    assert call(client, "GET", f"/workers/{worker}/busy-source", token("worker", other))[0] == 403
    assert call(client, "POST", f"/workers/{worker}/busy-source/sync", own)[0] == 202
    assert call(client, "DELETE", f"/workers/{worker}/busy-source", own)[0] == 204
    assert call(client, "GET", f"/workers/{worker}/busy-source", own)[0] == 404
    assert call(client, "POST", f"/workers/{worker}/busy-source/sync", own)[0] == 404
    assert call(client, "PUT", "/workers/nobody/busy-source", coord, source)[0] == 404


@pytest.mark.parametrize("body", [
    {"kind": "ics"},
    {"kind": "outlook", "mailbox": "a@b.fi"},
    {"kind": "graph", "mailbox": "a@b.fi", "url": "https://x.fi/a.ics"},
    {"kind": "caldav", "url": "https://dav.example.org/"},
    {"kind": "ics", "url": "ftp://files.example.org/a.ics"},
    {"kind": "ics", "url": "https://user:pw@calendar.example.org/a.ics"},
])
def test_a_bad_source_is_a_clear_422(client, coord, family, body):
    status, answer = call(client, "PUT", f"/workers/{family.workers[0]}/busy-source", coord, body)
    assert status == 422 and answer["error"]["code"] == "invalid_value"


def test_deleting_a_source_frees_its_busy_times(client, coord, family):
    before = slots(client, family)
    worker = family.workers[0]
    with IcsServer(event_documents()) as server:
        put_source(client, coord, worker, {"kind": "ics", "url": server.url})
        sweep(client)
    assert slots(client, family) != before
    assert call(client, "DELETE", f"/workers/{worker}/busy-source", coord)[0] == 204
    assert slots(client, family) == before


def test_no_url_secret_password_or_event_text_reaches_the_logs(client, coord, family, tmp_path,
                                                               caplog, capsys):
    import logging

    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(logging.DEBUG)
    (tmp_path / "local").mkdir(exist_ok=True)
    (tmp_path / "local" / "secrets.json").write_text(json.dumps({"ref": RadicaleServer.PASSWORD}))
    (tmp_path / "radicale").mkdir()
    worker, other = family.workers
    with IcsServer(event_documents()) as ics, RadicaleServer(tmp_path / "radicale") as dav:
        dav.put_events(event_documents())
        caplog.clear()
        put_source(client, coord, worker, {"kind": "ics", "url": ics.url})
        put_source(client, coord, other, {"kind": "caldav", "url": dav.calendar_url,
                                          "username": dav.USER, "secret_ref": "ref"})
        assert sweep(client) == {"synced": 2}
    ours = [r for r in caplog.records if not r.name.startswith("radicale")]  # not the server's
    logged = "\n".join(r.getMessage() for r in ours) + capsys.readouterr().out
    for secret in ("s3cr3t-t0ken", RadicaleServer.PASSWORD, "Tiimipalaveri",
                   "Agenda that must never reach", "someone@example.org", "Hallinto-oikeus"):
        assert secret not in logged
