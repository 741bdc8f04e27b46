"""The family page's slot picker without JavaScript: one GET form, a day at a time, on moto
with the clock pinned (Friday 20.11.2026 12.00 in Helsinki)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.integration.test_booking_page import form_fields, get, header, post_form
from harness.api import call, make_case, unique
from harness.booking import (TUESDAY, Family, at, book, clock, coord,  # noqa: F401
                                   family, issue_link)


def picker_form(html: str) -> str:
    return re.search(r'<form method="get".*?</form>', html, re.S).group(0)


def submit(client, html: str, button: str):
    """What a browser without script sends for the picker's submit button matching
    ``button`` (a regex over the button's tag): the form's checked and hidden inputs, the
    button's own name and value, to its formaction or else the form's action."""
    form = picker_form(html)
    tag = re.search(rf"<button[^>]*{button}[^>]*>", form).group(0)
    fields = [(n, unescape(v)) for n, v in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)]
    fields += [("place", unescape(v)) for v in re.findall(
        r'<input type="radio" name="place" id="[\w-]+" value="([^"]*)" checked', form)]
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
    fields.append((attrs["name"], unescape(attrs["value"])))
    action = unescape(attrs.get("formaction") or re.search(r'action="([^"]+)"', form).group(1))
    return client.http.get(f"{action}?{urlencode(fields)}")


def shown_times(html: str) -> list[str]:
    return re.findall(r'name="start" value="[^"]+" aria-label="[^"]+">([\d.]+)</button>', html)


def chosen_day(html: str) -> str:
    """The day the strip marks as shown (``aria-current="date"``)."""
    return re.search(r'name="day" value="([\d-]+)" aria-current="date"', html).group(1)


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_first_screen_jumps_to_the_week_of_the_next_free_time(client, family):
    # Friday noon: the 24 h notice and the weekend leave this week without a free time.
    _, html = get(client, family.base)
    assert "Viikko 48: 23.11.–29.11." in html
    assert chosen_day(html) == "2026-11-23"
    assert '<span class="visually-hidden">maanantai 23.11.</span>' in html
    assert shown_times(html)[:3] == ["7.00", "7.30", "8.00"]
    # Help comes before the times in the page, so it is in reach before them.
    assert html.index('href="#help-title"') < html.index('name="start"')


def test_every_time_is_a_button_of_the_form_that_holds_the_place_choice(client, family):
    _, html = get(client, f"{family.base}?place={family.office}&day=2026-12-01")
    form = picker_form(html)
    assert f'value="{family.office}" checked' in form
    assert f'formaction="{family.base}/page/confirm" name="start"' in form
    response = submit(client, html, r'name="start" value="2026-12-01T10:00')
    assert response.status_code == 200
    body = response.body.decode()
    assert "ti 1.12. klo 10.00–11.30" in body and "Kallio" in body and "Kotona" not in body


def test_a_place_checked_but_not_shown_yet_is_the_place_the_time_is_confirmed_at(client, family):
    # Without script, a family may check another place and tap a time at once: the tap
    # carries the checked place, never the one the times were drawn for.
    _, html = get(client, f"{family.base}?place=home&day=2026-12-01")
    html = html.replace('value="home" checked', 'value="home"').replace(
        f'value="{family.office}"', f'value="{family.office}" checked')
    response = submit(client, html, r'name="start" value="2026-12-01T10:00')
    assert response.status_code == 200 and "Kallio" in response.body.decode()


def test_show_times_and_the_day_and_week_buttons_reload_the_page_with_the_choice(client, family):
    _, html = get(client, f"{family.base}?day=2026-12-01")
    html = html.replace('value="home" checked', 'value="home"').replace(
        f'value="{family.office}"', f'value="{family.office}" checked')
    shown = submit(client, html, r'class="show-times"')
    assert shown.status_code == 200
    assert f'value="{family.office}" checked' in shown.body.decode()
    assert chosen_day(shown.body.decode()) == "2026-12-01"
    day = submit(client, shown.body.decode(), r'id="day-2026-12-03"')
    assert chosen_day(day.body.decode()) == "2026-12-03"
    nxt = submit(client, day.body.decode(), r'id="week-next"')
    assert "Viikko 50: 7.12.–13.12." in nxt.body.decode()
    assert f'value="{family.office}" checked' in nxt.body.decode()


def test_a_time_in_the_past_is_refused_before_the_confirm_page(client, family):
    for start in (at(TUESDAY.replace(day=19, month=11), 10),  # yesterday
                  "2026-11-20T12:30:00+02:00"):  # in half an hour: inside the 24 h notice
        response = client.http.get(f"{family.base}/page/confirm?" + urlencode(
            {"start": start, "place": "home"}))
        assert response.status_code == 303
        assert query_of(header(response, "location"))["notice"] == "past"
    _, html = get(client, header(response, "location").split("#")[0])
    assert "Valitsemasi aika on jo mennyt" in html and 'role="status"' in html


def test_a_time_not_free_at_the_place_is_refused_before_the_confirm_page(client, family):
    assert book(client, family, at(TUESDAY, 10), family.office)[0] == 201
    response = client.http.get(f"{family.base}/page/confirm?" + urlencode(
        {"start": at(TUESDAY, 14), "place": "home"}))  # the family's second meeting that day
    assert response.status_code == 303
    assert query_of(header(response, "location")) == {
        "notice": "not_free", "place": "home", "day": "2026-12-01"}


def test_a_same_day_move_lists_that_days_times_and_moves(client, family):
    _, made = book(client, family, at(TUESDAY, 10))
    _, html = get(client, family.base)
    move_link = unescape(re.search(r'href="([^"]*move=[^"]*)"', html).group(1))
    _, html = get(client, move_link.split("#")[0])
    assert chosen_day(html) == "2026-12-01"
    # The appointment's own day is free to move to (once hidden: one meeting a day); its
    # own time is shown, but not offered.
    assert {"10.30", "11.00", "14.00"} <= set(shown_times(html)) and "10.00" not in shown_times(html)
    assert 'class="current" disabled aria-label="Nykyinen aika ti 1.12. klo 10.00–11.30">10.00' in html
    confirm = submit(client, html, r'name="start" value="2026-12-01T11:00')
    assert confirm.status_code == 200
    page = confirm.body.decode()
    assert "<title>Siirrä tapaaminen – Tapaamisten varaus</title>" in page
    assert "ti 1.12. klo 10.00–11.30" in page and "ti 1.12. klo 11.00–12.30" in page
    moved = post_form(client, f"{family.base}/page/move/{made['id']}", form_fields(page))
    assert moved.status_code == 303
    booked, page = get(client, header(moved, "location"))
    assert "<title>Tapaaminen on siirretty – Tapaamisten varaus</title>" in page
    _, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert {a["status"]: a["start"] for a in listed["appointments"]} == {
        "cancelled": at(TUESDAY, 10), "booked": at(TUESDAY, 11)}


def test_an_empty_week_says_when_the_next_free_time_is_and_links_to_it(client, family):
    for worker in family.workers:
        status, body = call(client, "POST", f"/workers/{worker}/absences", family.coord, {
            "start": "2026-12-07T00:00:00+02:00", "end": "2026-12-14T00:00:00+02:00"})
        assert status == 201, body
    _, html = get(client, f"{family.base}?week=2026-12-07")
    assert "Tällä viikolla ei ole vapaita aikoja tässä paikassa." in html
    assert shown_times(html) == []
    assert 'name="day" value="2026-12-14" class="primary">Seuraava vapaa aika: ma 14.12. klo 7.00' \
           in html
    followed = submit(client, html, r'value="2026-12-14" class="primary"')
    assert chosen_day(followed.body.decode()) == "2026-12-14"


def test_a_week_beyond_the_booking_horizon_shows_the_horizons_last_week(client, family):
    for asked in ("week=2027-01-04", "day=9999-12-31"):
        response, html = get(client, f"{family.base}?{asked}")
        assert response.status_code == 200
        assert "Viikko 51: 14.12.–20.12." in html and 'id="week-next"' not in html


def test_with_nothing_free_up_to_the_horizon_the_page_says_so(client, family):
    for worker in family.workers:
        assert call(client, "POST", f"/workers/{worker}/absences", family.coord, {
            "start": "2026-12-14T00:00:00+02:00", "end": "2026-12-21T00:00:00+02:00"})[0] == 201
    _, html = get(client, f"{family.base}?week=2026-12-14")
    assert "Seuraavien viikkojen aikana ei ole vapaita aikoja" in html
    response = client.http.get(f"{family.base}/page/confirm?" + urlencode(
        {"start": "2027-03-02T10:00:00+02:00", "place": "home"}))  # beyond the horizon
    assert query_of(header(response, "location"))["notice"] == "not_free"


def test_the_page_names_the_familys_workers_by_first_name(client, coord):
    workers = [unique("w"), unique("w")]
    for worker, name in zip(workers, ("Aino Virtanen", "Eero Korhonen")):
        assert call(client, "PUT", f"/workers/{worker}", coord, {"name": name})[0] in (200, 201)
    case = make_case(client, coord, workers)
    token = issue_link(client, coord, case["id"])
    _, html = get(client, f"/book/{token}")
    assert "Työntekijäsi: Aino ja Eero." in html
    assert "Virtanen" not in html and "Korhonen" not in html
    _, html = get(client, f"/book/{token}?lang=sv")
    assert "Dina arbetare: Aino och Eero." in html


def test_the_workers_names_stay_on_the_page_never_in_the_sms_or_the_feed(client, coord):
    from chalicelib.notify.providers import FakeProvider
    from harness.booking import NOW
    from tests.support.notify import run

    workers = [unique("w"), unique("w")]
    for worker, name in zip(workers, ("Aino Virtanen", "Eero Korhonen")):
        assert call(client, "PUT", f"/workers/{worker}", coord, {"name": name})[0] in (200, 201)
    case = make_case(client, coord, workers)
    family = Family(case["id"], workers, "", issue_link(client, coord, case["id"]), coord)
    assert book(client, family, at(TUESDAY, 10))[0] == 201
    provider = FakeProvider()
    run(provider, NOW)
    texts = [message.body + message.subject for _, _, message in provider.sent]
    assert texts and not any("Aino" in t or "Eero" in t for t in texts)
    status, feed = call(client, "POST", f"/workers/{workers[0]}/feed-tokens", coord)
    assert status == 201, feed
    ics = client.http.get("/feeds/" + feed["url"].split("/feeds/", 1)[1]).body.decode()
    assert "BEGIN:VEVENT" in ics and "Aino" not in ics and "Eero" not in ics


def test_office_names_are_in_swedish_for_a_swedish_reader(client, family):
    status, body = call(client, "PUT", f"/offices/{family.office}", family.coord, {
        "name": "Kallio", "name_sv": "Berghäll", "address": "Toinen linja 4", "rooms": 1})
    assert status == 200 and body["name_sv"] == "Berghäll"
    listed = call(client, "GET", "/offices", family.coord)[1]["offices"]
    assert {"id": family.office, "name": "Kallio", "name_sv": "Berghäll",
            "address": "Toinen linja 4", "rooms": 1} in listed
    _, sv = get(client, f"{family.base}?lang=sv")
    _, fi = get(client, f"{family.base}?lang=fi")
    assert "Berghäll, Toinen linja 4" in sv and "Kallio, Toinen linja 4" in fi
    assert "Berghäll" not in fi


def test_an_office_without_a_swedish_name_lists_it_as_null(client, family):
    listed = call(client, "GET", "/offices", family.coord)[1]["offices"]
    assert next(o for o in listed if o["id"] == family.office)["name_sv"] is None


def test_the_404_page_shows_the_support_number(client, family):
    response, html = get(client, f"/book/{family.case}.{'x' * 24}")
    assert response.status_code == 404
    assert "<title>Sivua ei löydy – Tapaamisten varaus</title>" in html
    assert 'href="tel:+358931044222"' in html


def test_the_booking_page_title_is_the_services_name_once(client, family):
    _, html = get(client, family.base)
    assert "<title>Tapaamisten varaus</title>" in html


def test_the_demo_seeds_the_offices_swedish_names_also_into_offices_seeded_before(client, coord):
    from chalicelib import bootstrap
    from chalicelib.domain.directory import Office
    from chalicelib.local.demo import seed_demo
    from harness.booking import NOW

    # A table seeded before offices had Swedish names.
    bootstrap.wiring().directory.put_office(Office("kallio", "Kallio", "Toinen linja 4 A", 3))
    seed_demo(bootstrap.wiring(), NOW)
    names = {o["id"]: o["name_sv"] for o in call(client, "GET", "/offices", coord)[1]["offices"]}
    swedish = {"kallio": "Berghäll", "itakeskus": "Östra centrum", "vuosaari": "Nordsjö",
               "malmi": "Malm", "maunula": "Månsas", "lassila": "Lassas"}
    assert {office: names.get(office) for office in swedish} == swedish
