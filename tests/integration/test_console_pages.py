"""The console's pages and forms through ``chalice.test.Client`` on moto, with a session
cookie as the sign-in leaves it: what a person sees after each form, and what is refused."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from harness.api import make_office, make_worker
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie, csrf_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def coordinator(coord):
    return console_cookie("coordinator")


@pytest.fixture
def team(client, coord):
    office = make_office(client, coord)
    return office, [make_worker(client, coord), make_worker(client, coord)]


def get(client, path, cookie, **headers):
    return client.http.get(path, headers={**cookie, **headers})


def post(client, path, cookie, fields: dict):
    page = get(client, "/staff/logout", cookie)
    body = urlencode({"csrf": csrf_of(page.body.decode()), **fields}, doseq=True)
    return client.http.post(path, headers={**cookie, **FORM}, body=body)


def case_form(team, **changes) -> dict:
    office, workers = team
    return {"service": "perhetyo", "worker1": workers[0], "worker2": workers[1],
            "start_date": "2026-11-02", "meeting_minutes": "90", "meetings_per_week": "2",
            "locations": ["home", office], "phone": "040 123 4567", "email": "",
            "language": "sv", "reminders": "24, 2", **changes}


def created_case(client, coordinator, team) -> str:
    answer = post(client, "/staff/cases", coordinator, case_form(team))
    assert answer.status_code == 303, answer.body
    return re.fullmatch(r"/staff/cases/(\w+)\?notice=saved", answer.headers["Location"])[1]


def test_a_refused_case_form_shows_the_apis_message_beside_its_field(client, coordinator, team):
    answer = post(client, "/staff/cases", coordinator, case_form(team, meetings_per_week="9"))
    html = answer.body.decode()
    assert answer.status_code == 422
    assert 'id="f-meetings_per_week" name="meetings_per_week" type="number" value="9"' in html
    assert 'aria-invalid="true" aria-describedby="e-meetings_per_week"' in html
    assert re.search(r'id="e-meetings_per_week">[^<]*less than or equal to 3<', html)
    assert f'value="{team[1][0]}"' in html  # what was typed is still there


def test_a_case_made_with_the_form_opens_with_its_facts_and_an_audited_read(
        client, coordinator, team):
    case_id = created_case(client, coordinator, team)
    page = get(client, f"/staff/cases/{case_id}?notice=saved", coordinator).body.decode()
    assert "Tallennettu." in page and "Perhetyö" in page and "Svenska" in page
    assert "24, 2 tuntia ennen" in page and "<dd>Tekstiviesti</dd>" in page
    log = get(client, f"/staff/cases/{case_id}/audit", coordinator).body.decode()
    assert "case.create" in log and "console.case.read" in log and "coordinator:coordinator" in log


def test_the_edit_form_shows_the_case_and_saves_a_change(client, coordinator, team):
    case_id = created_case(client, coordinator, team)
    form = get(client, f"/staff/cases/{case_id}/edit", coordinator).body.decode()
    assert 'name="reminders" type="text" value="24, 2"' in form
    changed = case_form(team, reminders="48", email="perhe@example.org",
                        channels=["sms", "email"])
    assert post(client, f"/staff/cases/{case_id}", coordinator, changed).status_code == 303
    page = get(client, f"/staff/cases/{case_id}", coordinator).body.decode()
    assert "48 tuntia ennen" in page and "<dd>Tekstiviesti, Sähköposti</dd>" in page


def test_a_review_is_marked_done_with_its_button(client, coordinator, team):
    case_id = created_case(client, coordinator, team)
    page = get(client, f"/staff/cases/{case_id}", coordinator).body.decode()
    review = re.search(rf'action="/staff/cases/{case_id}/reviews/([\w.-]+)/complete"', page)[1]
    done = post(client, f"/staff/cases/{case_id}/reviews/{review}/complete", coordinator, {})
    assert done.status_code == 303 and done.headers["Location"].endswith("review_completed")
    after = get(client, done.headers["Location"], coordinator).body.decode()
    assert "Arviointi merkittiin tehdyksi." in after and "Tehty" in after


def test_a_link_not_sent_is_shown_once_and_opens_the_familys_page_until_revoked(
        client, coordinator, team):
    case_id = created_case(client, coordinator, team)
    shown = post(client, f"/staff/cases/{case_id}/links", coordinator, {"send": ""})
    url = re.search(r'<a href="(http[^"]+/book/[^"]+)"', shown.body.decode())[1]
    path = url.split("tapaamo.test", 1)[1]
    assert client.http.get(path).status_code == 200
    revoked = post(client, f"/staff/cases/{case_id}/links/revoke", coordinator, {})
    assert revoked.status_code == 303
    assert client.http.get(path).status_code == 410


def test_worker_and_office_forms_show_refusals_beside_the_field(client, coordinator, team):
    worker = post(client, "/staff/workers", coordinator,
                  {"id": "Not An Id", "name": "Aino", "email": "", "phone": "", "office": ""})
    assert worker.status_code == 422 and 'id="e-id"' in worker.body.decode()
    office = post(client, "/staff/offices", coordinator,
                  {"id": "o-new", "name": "Uusi", "address": "Katu 1", "rooms": "0"})
    assert office.status_code == 422 and 'id="e-rooms"' in office.body.decode()
    saved = post(client, "/staff/offices", coordinator, {
        "id": "o-new", "name": "Uusi", "name_sv": "Nya", "address": "Katu 1", "rooms": "2"})
    assert saved.status_code == 303
    listed = get(client, "/staff/offices", coordinator).body.decode()
    assert "o-new" in listed and '<td lang="sv">Nya</td>' in listed


def test_the_chosen_language_is_remembered(client, coordinator):
    swedish = get(client, "/staff/offices?lang=sv", coordinator)
    assert 'lang="sv"' in swedish.body.decode()
    assert "<h1>Verksamhetsställen</h1>" in swedish.body.decode()
    assert "tapaamo_staff_lang=sv" in str(swedish.headers.get("Set-Cookie"))


def test_a_worker_posting_a_coordinators_form_gets_the_403_page(client, team):
    worker = console_cookie("worker", team[1][0])
    answer = post(client, "/staff/cases", worker, {})
    assert answer.status_code == 403 and "Ei käyttöoikeutta" in answer.body.decode()


def test_without_a_session_a_form_post_leads_to_sign_in(client):
    answer = client.http.post("/staff/cases", headers=FORM, body="csrf=x")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/staff/login")


def test_behind_a_stage_path_redirects_and_cookies_carry_it(client, monkeypatch):
    monkeypatch.setenv("TAPAAMO_PUBLIC_URL", "http://tapaamo.test/api")
    cookie = console_cookie("coordinator")
    assert client.http.get("/staff/cases").headers["Location"] == (
        "/api/staff/login?next=/staff/cases")
    page = client.http.get("/staff/offices", headers=cookie)
    assert 'action="/api/staff/logout"' in page.body.decode()
    assert "Path=/api/staff;" in str(page.headers["Set-Cookie"])


def test_a_workers_home_lists_the_help_request_of_their_case(client, coordinator, coord, team):
    from harness.api import call

    case_id = created_case(client, coordinator, team)
    status, opened = call(client, "POST", "/escalations", coord, {"case": case_id})
    assert status == 201, opened
    code = call(client, "GET", f"/escalations/{opened['id']}", coord, None)[1]["code"]
    home = get(client, "/staff", console_cookie("worker", team[1][0])).body.decode()
    row = re.search(r"<tr><td>[^<]+</td><td>(\w+)</td><td><a href=\"/staff/cases/(\w+)\">", home)
    # Nobody is on call in this table, so the request is unanswered at once.
    assert row and row[1] == code and row[2] == case_id and "Vastaamatta" in home
    other = get(client, "/staff", console_cookie("worker", "w-nobody")).body.decode()
    assert case_id not in other and "Ei avoimia avunpyyntöjä." in other
