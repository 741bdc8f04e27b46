"""The console's calendars through ``chalice.test.Client`` on moto: my week beside my pair's,
the team grid and "who is free", and the forms that add an absence, open extra hours, book,
move and cancel — what a person sees after each, and what a worker is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from harness.api import call, make_worker
from harness.booking import TUESDAY, at, book, clock, coord, make_family  # noqa: F401
from harness.console import console_cookie, csrf_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WEEK = "2026-W49"  # Monday 30 November – Sunday 6 December; TUESDAY is 1 December


@pytest.fixture
def pair(client, coord):
    """A family of two workers with a meeting on Tuesday 10.00 booked on its page."""
    family = make_family(client, coord)
    status, booked = book(client, family, at(TUESDAY, 10))
    assert status == 201, booked
    return family, booked


def get(client, path, cookie):
    return client.http.get(path, headers=cookie)


def post(client, path, cookie, fields: dict):
    page = get(client, "/staff/logout", cookie)
    body = urlencode({"csrf": csrf_of(page.body.decode()), **fields}, doseq=True)
    return client.http.post(path, headers={**cookie, **FORM}, body=body)


def cells(html: str, day: str) -> str:
    """The week table's row of ``day`` (e.g. ``1.12.``) as text."""
    row = re.search(r'<tr>\s*<th scope="row">[^<]*' + re.escape(day) + r"(.*?)</tr>", html, re.S)
    assert row, html
    return re.sub(r"<[^>]+>", " ", row[1])


def test_my_week_shows_the_booked_meeting_the_pairs_busy_time_and_the_familys_slots(
        client, pair):
    family, booked = pair
    worker = console_cookie("worker", family.workers[0])
    page = get(client, f"/staff/week?week={WEEK}", worker)
    html = page.body.decode()
    assert page.status_code == 200
    assert '<th scope="col">Päivä</th>' in html and "Viikko 2026-W49" in html
    tuesday = cells(html, "1.12.")
    assert "10.00–11.30 · Tapaaminen · Kotona" in tuesday and family.case in tuesday
    assert f"Tapaaminen: 10.00–11.30" in tuesday  # the pair's column: the same meeting
    assert "Ei vapaita aikoja" in tuesday  # the family has its meeting of the day
    wednesday = cells(html, "2.12.")
    assert "ke 2.12. klo 8.00–9.30" in wednesday  # a free slot the family would see
    assert 'rel="prev"' in html and "week=2026-W48" in html and "week=2026-W50" in html


def test_the_week_reads_in_swedish_and_english_and_takes_a_date(client, pair):
    family, _ = pair
    worker = console_cookie("worker", family.workers[0])
    sv = get(client, "/staff/week?week=2026-12-03&lang=sv", worker).body.decode()
    assert "Vecka 2026-W49, måndag till söndag" in sv and "Möte" in sv
    en = get(client, f"/staff/week?week={WEEK}&lang=en", worker).body.decode()
    assert "My calendar" in en and "Free times for the family" in en
    bad = get(client, "/staff/week?week=1999-W01", worker)
    assert bad.status_code == 422 and "2026-W49" in bad.body.decode()


def test_an_absence_added_from_the_week_shows_with_its_reason_and_removes_slots(client, pair):
    family, _ = pair
    worker = console_cookie("worker", family.workers[1])
    before = cells(get(client, f"/staff/week?week={WEEK}", worker).body.decode(), "2.12.")
    assert "klo 8.00–9.30" in before
    answer = post(client, "/staff/week/absences", worker, {
        "worker": family.workers[1], "week": WEEK, "start": "2026-12-02T07:00",
        "end": "2026-12-02T12:00", "reason": "training"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"week={WEEK}&worker={family.workers[1]}"
                                               "&notice=absence_saved")
    html = get(client, answer.headers["Location"], worker).body.decode()
    wednesday = cells(html, "2.12.")
    assert "Poissaolo tallennettu." in html and "Poissa (koulutus): 7.00–12.00" in wednesday
    assert "klo 8.00–9.30" not in wednesday and "klo 12.00–13.30" in wednesday
    # the other worker of the pair sees it in the pair's column, and the family's page agrees
    partner = cells(get(client, f"/staff/week?week={WEEK}",
                        console_cookie("worker", family.workers[0])).body.decode(), "2.12.")
    assert "Poissa: 7.00–12.00" in partner
    slots = call(client, "GET", f"{family.base}/slots?from=2026-12-02&days=1", {})[1]["slots"]
    assert slots and all(s["start"] >= "2026-12-02T12:00" for s in slots)


def test_a_worker_cannot_add_an_absence_for_someone_else_or_book_another_pairs_case(
        client, coord, pair):
    family, _ = pair
    stranger = make_worker(client, coord)
    worker = console_cookie("worker", stranger)
    refused = post(client, "/staff/week/absences", worker, {
        "worker": family.workers[0], "start": "bad", "end": "", "reason": "sick"})
    assert refused.status_code == 403  # before the fields are read
    booking = post(client, "/staff/week/appointments", worker, {
        "worker": stranger, "case": family.case, "start": "bad", "location": "home"})
    assert booking.status_code == 404  # another pair's case is as good as unknown
    assert post(client, "/staff/week/appointments", worker, {
        "worker": stranger, "case": "no-such-case", "start": "x"}).status_code == 404
    other = get(client, f"/staff/week?worker={family.workers[0]}", worker)
    assert other.status_code == 403
    assert get(client, f"/staff/week?case={family.case}", worker).status_code == 404


def test_a_refused_form_comes_back_with_the_message_beside_its_field(client, pair):
    family, _ = pair
    worker = console_cookie("worker", family.workers[0])
    answer = post(client, "/staff/week/absences", worker, {
        "worker": family.workers[0], "week": WEEK, "start": "2026-12-02T12:00",
        "end": "2026-12-02T08:00", "reason": "sick"})
    html = answer.body.decode()
    assert answer.status_code == 422
    assert 'id="af-end" name="end" type="datetime-local" value="2026-12-02T08:00"' in html
    assert re.search(r'id="ae-end">end must be after start<', html)
    missing = post(client, "/staff/week/absences", worker, {
        "worker": family.workers[0], "start": "2026-12-02T08:00", "end": "2026-12-02T09:00"})
    assert missing.status_code == 422 and 'id="ae-reason">choose a reason<' in missing.body.decode()


def test_extra_hours_open_an_evening_that_the_family_then_sees(client, pair):
    family, _ = pair
    for worker_id in family.workers:
        answer = post(client, "/staff/week/extra-hours", console_cookie("worker", worker_id), {
            "worker": worker_id, "week": WEEK, "start": "2026-12-03T20:00",
            "end": "2026-12-03T22:00"})
        assert answer.status_code == 303
    html = get(client, f"/staff/week?week={WEEK}",
               console_cookie("worker", family.workers[0])).body.decode()
    thursday = cells(html, "3.12.")
    assert "Lisäaika auki: 20.00–22.00" in thursday and "klo 20.00–21.30" in thursday


def test_staff_book_move_and_cancel_from_the_calendar(client, pair):
    family, _ = pair
    worker = console_cookie("worker", family.workers[0])
    booked = post(client, "/staff/week/appointments", worker, {
        "worker": family.workers[0], "week": WEEK, "case": family.case,
        "start": "2026-12-04T13:00", "minutes": "60", "kind": "network",
        "location": family.office})
    assert booked.status_code == 303, booked.body
    html = get(client, booked.headers["Location"], worker).body.decode()
    friday = cells(html, "4.12.")
    assert "Tapaaminen varattu." in html and "13.00–14.00 · Verkostotapaaminen" in friday
    link = re.search(r'href="(/staff/appointments/\w+)">Siirrä tai peru<span[^>]*> 13.00', html)
    page = get(client, link[1], worker).body.decode()
    assert 'value="2026-12-04T13:00"' in page and "Verkostotapaaminen" in page
    moved = post(client, f"{link[1]}/move", worker, {"start": "2026-12-04T15:00",
                                                      "location": family.office})
    assert moved.status_code == 303, moved.body
    html = get(client, f"/staff/week?week={WEEK}", worker).body.decode()
    friday = cells(html, "4.12.")
    assert "15.00–16.00 · Verkostotapaaminen" in friday and "13.00–14.00" not in friday
    link = re.search(r'href="(/staff/appointments/\w+)">Siirrä tai peru<span[^>]*> 15.00', html)
    taken = post(client, f"{link[1]}/move", worker, {"start": "2026-12-01T10:00",
                                                      "location": "home"})
    assert taken.status_code == 409  # the family's own Tuesday meeting is there
    assert 'id="e-start">a worker is not free at this time<' in taken.body.decode()
    assert post(client, f"{link[1]}/cancel", worker, {}).status_code == 303
    friday = cells(get(client, f"/staff/week?week={WEEK}", worker).body.decode(), "4.12.")
    assert "Verkostotapaaminen" not in friday


def test_a_crisis_meeting_may_be_booked_at_night_only_with_a_reason(client, pair):
    family, _ = pair
    worker = console_cookie("worker", family.workers[0])
    fields = {"worker": family.workers[0], "week": WEEK, "case": family.case,
              "start": "2026-12-02T22:00", "minutes": "90", "kind": "crisis",
              "location": "home"}
    refused = post(client, "/staff/week/appointments", worker, fields)
    assert refused.status_code == 422 and "outside working hours" in refused.body.decode()
    assert post(client, "/staff/week/appointments", worker,
                {**fields, "kind": "meeting", "after_hours": "acute_crisis"}).status_code == 422
    booked = post(client, "/staff/week/appointments", worker,
                  {**fields, "after_hours": "acute_crisis"})
    assert booked.status_code == 303, booked.body
    wednesday = cells(get(client, f"/staff/week?week={WEEK}", worker).body.decode(), "2.12.")
    assert "22.00–23.30 · Kriisitapaaminen" in wednesday


def test_the_team_grid_shows_booked_hours_and_absences_and_who_is_free(client, coord, pair):
    family, _ = pair
    coordinator = console_cookie("coordinator")
    assert post(client, "/staff/week/absences", coordinator, {
        "worker": family.workers[1], "start": "2026-12-03T00:00", "end": "2026-12-04T00:00",
        "reason": "sick"}).status_code == 303
    page = get(client, f"/staff/team?week={WEEK}", coordinator)
    html = page.body.decode()
    assert page.status_code == 200
    row = re.search(rf'<th scope="row"><a href="/staff/week\?worker={family.workers[0]}.*?</tr>',
                    html, re.S)[0]
    assert "1 h 30 min varattu" in row
    absent = re.search(rf'worker={family.workers[1]}.*?</tr>', html, re.S)[0]
    assert absent.count(">Poissa<") == 1 and "1 h 30 min varattu" in absent
    free = get(client, f"/staff/team?week={WEEK}&" + urlencode({
        "worker1": family.workers[0], "worker2": family.workers[1], "minutes": "90",
        "place": family.office}), coordinator).body.decode()
    first = re.findall(r"<li>([^<]+)</li>", free.split('class="free"')[1])
    assert first[0] == "ma 30.11. klo 7.00–8.30" and len(first) == 8
    bad = get(client, "/staff/team?worker1=" + family.workers[0] + "&minutes=7&place=home",
              coordinator)
    assert bad.status_code == 422 and "30 to 240" in bad.body.decode()
    assert get(client, "/staff/team", console_cookie("worker", family.workers[0])
               ).status_code == 403


def test_the_json_api_takes_an_absence_reason_and_a_crisis_reason(client, coord, pair, token):
    family, _ = pair
    mine = {**token("worker", family.workers[0]), "Content-Type": "application/json"}
    status, body = call(client, "POST", f"/workers/{family.workers[0]}/absences", mine, {
        "start": at(TUESDAY + timedelta(days=7), 8), "end": at(TUESDAY + timedelta(days=7), 9),
        "reason": "free text about someone"})
    assert status == 422 and body["error"]["code"] == "invalid_value"
    status, body = call(client, "POST", "/appointments", mine, {
        "case": family.case, "start": at(TUESDAY, 21), "location": "home", "kind": "crisis",
        "reason": "child_safety"})
    assert status == 201, body
