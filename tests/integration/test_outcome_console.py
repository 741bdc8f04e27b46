"""Meeting outcomes in the console and the morning digest, through chalice.test.Client on
moto: the case page's form, the feed's summary, the digest a worker reads in the local
sink (``<local dir>/notifications.log``) and the page its link opens, and the worker's
calendar subscription page. Time is pinned in Europe/Helsinki.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest
import time_machine

from chalicelib.domain.workdays import at_local
from tests.integration.test_reviews_api import run_job
from harness.api import call, make_worker
from harness.booking import NOW, TUESDAY, at, clock, coord, make_family  # noqa: F401
from tests.support.client import app_client, staff_headers
from harness.console import console_cookie, csrf_of
from harness.ddblocal import ddb_local  # noqa: F401 - fixture

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WEDNESDAY = date(2026, 12, 2)


def sent(aws) -> list[dict]:
    log = Path(aws["TAPAAMO_LOCAL_DIR"]) / "notifications.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def page(client, path, cookie) -> tuple[int, str]:
    answer = client.http.get(path, headers=cookie)
    return answer.status_code, answer.body.decode()


def post(client, path, cookie, fields: dict):
    _, form_page = page(client, "/staff/logout", cookie)
    body = urlencode({"csrf": csrf_of(form_page), **fields})
    return client.http.post(path, headers={**cookie, **FORM}, body=body)


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def meeting(client, coord):
    """A family and a staff meeting booked on Tuesday 1.12. 10:00 (now is 20.11.)."""
    family = make_family(client, coord)
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(TUESDAY, 10), "location": "home"})
    assert status == 201, body
    return family, body["id"]


def test_a_worker_records_held_on_the_case_page_and_the_feed_says_so(client, clock, meeting,
                                                                     token):
    family, appointment = meeting
    worker = family.workers[0]
    status, url = call(client, "POST", f"/workers/{worker}/feed-tokens", token("coordinator"))
    feed = urlparse(url["url"]).path
    clock.move_to(at_local(TUESDAY, 14))
    cookie = console_cookie("worker", worker)
    status, html = page(client, f"/staff/cases/{family.case}?lang=en", cookie)
    assert status == 200
    assert "Not recorded" in text_of(html)
    answer = post(client, f"/staff/appointments/{appointment}/outcome", cookie,
                  {"outcome": "held", "back": "case"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(
        f"/staff/cases/{family.case}?notice=outcome_saved#past-title")
    status, html = page(client, answer.headers["Location"].split("#")[0] + "&lang=fi", cookie)
    words = text_of(html)
    assert "Tapaamisen toteutuminen kirjattiin." in words and "Pidetty" in words
    ics = client.http.get(feed).body.decode().replace("\r\n ", "")
    assert f"SUMMARY:Tapaamo {family.case} · kotikäynti · pidetty" in ics
    status, listed = call(client, "GET", f"/workers/{worker}/appointments?from=2026-12-01",
                          token("coordinator"))
    assert [a["outcome"] for a in listed["appointments"]] == ["held"]
    status, audit = call(client, "GET", f"/cases/{family.case}/audit", token("coordinator"))
    assert {"actor": f"worker:{worker}", "action": "appointment.outcome"} in [
        {k: e[k] for k in ("actor", "action")} for e in audit["entries"]]


def test_another_pairs_worker_cannot_record_an_outcome_in_the_console_or_the_api(
        client, clock, meeting, coord, token):
    family, appointment = meeting
    stranger = make_worker(client, coord)
    clock.move_to(at_local(TUESDAY, 14))
    cookie = console_cookie("worker", stranger)
    answer = post(client, f"/staff/appointments/{appointment}/outcome", cookie,
                  {"outcome": "held", "back": "case"})
    assert answer.status_code == 404
    assert call(client, "POST", f"/appointments/{appointment}/outcome",
                token("worker", stranger), {"outcome": "held"})[0] == 404
    assert page(client, f"/staff/cases/{family.case}", cookie)[0] == 404
    mine = console_cookie("worker", family.workers[1])
    status, html = page(client, f"/staff/cases/{family.case}?lang=en", mine)
    assert "Not recorded" in text_of(html)  # nothing was recorded by the stranger


def test_an_outcome_form_without_the_sessions_csrf_token_is_refused(client, clock, meeting):
    family, appointment = meeting
    clock.move_to(at_local(TUESDAY, 14))
    cookie = console_cookie("worker", family.workers[0])
    answer = client.http.post(f"/staff/appointments/{appointment}/outcome",
                              headers={**cookie, **FORM},
                              body=urlencode({"csrf": "forged", "outcome": "held"}))
    assert answer.status_code == 403


def test_one_digest_a_day_lists_unrecorded_meetings_and_links_to_where_they_are_recorded(
        client, clock, aws, meeting):
    family, appointment = meeting
    worker = family.workers[0]

    def digests():
        return [m for m in sent(aws) if m["to"] == f"{worker}@example.org"]

    def run(day, hour, minute=0):
        clock.move_to(at_local(day, hour, minute))
        run_job(client, "outcome_digest_daily")
        run_job(client, "sweep_notifications")

    run(TUESDAY, 20)  # the meeting ended today: not before the day is over
    run(WEDNESDAY, 6, 30)  # 04:30 UTC fires, but it is not 07:00 in Helsinki yet
    assert digests() == []
    run(WEDNESDAY, 7)
    run(WEDNESDAY, 8)  # the second UTC hour, and a rerun: nothing more
    [digest] = digests()
    assert digest["body"] == (f"Tapaamisia ilman kirjausta: 1 (asiakkuudet {family.case}). "
                              "Kirjaa: http://tapaamo.test/staff/outcomes")
    assert "Test Worker" not in json.dumps(digest)  # codes and counts only, no names
    link = urlparse(re.search(r"https?://\S+", digest["body"])[0]).path
    cookie = console_cookie("worker", worker)
    status, html = page(client, link + "?lang=sv", cookie)
    assert status == 200 and family.case in html
    answer = post(client, f"/staff/appointments/{appointment}/outcome", cookie,
                  {"outcome": "no-show", "back": "outcomes"})
    assert answer.headers["Location"].endswith("/staff/outcomes?notice=outcome_saved")
    status, html = page(client, link + "?lang=en", cookie)
    assert "Every meeting that has ended has its outcome." in text_of(html)
    run(date(2026, 12, 3), 7, 5)  # recorded: no digest the next morning
    assert len(digests()) == 1


def test_the_feed_page_makes_a_link_shown_once_and_the_old_one_answers_410(client, clock,
                                                                           meeting):
    family, _ = meeting
    cookie = console_cookie("worker", family.workers[0])
    status, html = page(client, "/staff/feed?lang=sv", cookie)
    assert status == 200 and "Gör en ny kalenderlänk" in html and "/feeds/" not in html
    first = post(client, "/staff/feed", cookie, {})
    made = first.body.decode()
    https = re.search(r'value="(http://tapaamo\.test/feeds/[^"]+\.ics)"', made)[1]
    assert f'href="webcal://{https.split("://")[1]}"' in made and "<svg" in made
    feed = urlparse(https).path
    assert client.http.get(feed).status_code == 200
    again = post(client, "/staff/feed", cookie, {}).body.decode()
    assert https not in again
    assert client.http.get(feed).status_code == 410
    status, html = page(client, "/staff/feed", console_cookie("coordinator"))
    assert status == 200 and 'action="/staff/feed"' not in html


def test_on_dynamodb_local_parallel_runs_of_the_digest_send_one_message_per_worker(ddb_local):
    with app_client() as client:
        with time_machine.travel(NOW, tick=False):
            coordinator = staff_headers(ddb_local["TAPAAMO_LOCAL_DIR"])
            family = make_family(client, coordinator)
            assert call(client, "POST", "/appointments", coordinator, {
                "case": family.case, "start": at(TUESDAY, 10), "location": "home"})[0] == 201
        with time_machine.travel(at_local(WEDNESDAY, 7, 1), tick=False):
            with ThreadPoolExecutor(max_workers=6) as pool:
                queued = list(pool.map(lambda _: run_job(client, "outcome_digest_daily"),
                                       range(6)))
            run_job(client, "sweep_notifications")
    assert sum(queued) == 2  # the pair's two workers, once each
    received = [m["to"] for m in sent(ddb_local) if "/staff/outcomes" in m["body"]]
    assert sorted(received) == sorted(f"{w}@example.org" for w in family.workers)
