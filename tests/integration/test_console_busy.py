"""The console's own-calendar page through ``chalice.test.Client`` on moto: what the
coordinator and the worker read of a busy source, the "sync now" form (CSRF, the same
service as the API's sync), and who is refused."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from chalicelib.local.queue import LocalQueue
from tests.integration.test_console_pages import FORM, get, post
from harness.api import call, make_worker
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie

URL = "https://calendar.example.org/private/3f9a1c/basic.ics"


def test_the_page_shows_the_source_and_sync_now_queues_it(client, coord, aws):
    worker = make_worker(client, coord)
    assert call(client, "PUT", f"/workers/{worker}/busy-source", coord,
                {"kind": "ics", "url": URL})[0] == 200
    for cookie in (console_cookie("coordinator"), console_cookie("worker", worker)):
        html = get(client, f"/staff/workers/{worker}/calendar", cookie).body.decode()
        assert "Julkaistu iCal-linkki" in html and "calendar.example.org" in html
        assert "ei vielä" in html and "/private/" not in html and "3f9a1c" not in html
        answer = post(client, f"/staff/workers/{worker}/calendar/sync", cookie, {})
        assert answer.status_code == 303
        assert answer.headers["Location"] == \
            f"/staff/workers/{worker}/calendar?notice=sync_queued"
    queue = LocalQueue(aws["TAPAAMO_LOCAL_DIR"])
    queued = [json.loads(m.body) for m in queue.receive("tapaamo-busy-sync", 10)]
    assert queued == [{"worker": worker}] * 2  # one per click: the sync handler's message
    sv = get(client, f"/staff/workers/{worker}/calendar?lang=sv&notice=sync_queued",
             console_cookie("coordinator")).body.decode()
    assert "Egen kalender" in sv and "Hämtningen har börjat" in sv and "Hämta nu" in sv


def test_another_worker_is_refused_and_a_form_without_csrf_changes_nothing(client, coord):
    worker, other = make_worker(client, coord), make_worker(client, coord)
    page = get(client, f"/staff/workers/{worker}/calendar", console_cookie("worker", other))
    assert page.status_code == 403
    assert post(client, f"/staff/workers/{worker}/calendar/sync",
                console_cookie("worker", other), {}).status_code == 403
    forged = client.http.post(f"/staff/workers/{worker}/calendar/sync",
                              headers={**console_cookie("coordinator"), **FORM},
                              body=urlencode({"csrf": "forged"}))
    assert forged.status_code == 403
    none = get(client, f"/staff/workers/{worker}/calendar", console_cookie("coordinator"))
    assert none.status_code == 200 and "Kalenteria ei ole liitetty." in none.body.decode()
    assert post(client, f"/staff/workers/{worker}/calendar/sync", console_cookie("coordinator"),
                {}).status_code == 404  # no source to sync
