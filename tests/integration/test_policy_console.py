"""The escalation policy form on moto: the timeline of who is paged when, previewed from the
domain's own step schedule before saving; bad rows beside their fields; workers get 403."""

from __future__ import annotations

import re

import pytest

from tests.integration.test_console_pages import get, post
from harness.api import call, make_worker
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie


@pytest.fixture
def coordinator(coord):
    return console_cookie("coordinator")


def timeline(page: str) -> list[str]:
    """The timeline table's rows as plain text, cell by cell."""
    section = page.split('id="timeline-title"')[1]
    rows = re.findall(r"<tr[^>]*><td>(.*?)</tr>", section, re.S)
    return [" | ".join(re.sub(r"<[^>]+>", "", cell).strip()
                       for cell in re.findall(r"<td>(.*?)</td>", f"<td>{row}", re.S))
            for row in rows]


def test_a_policy_is_previewed_as_a_timeline_then_saved(client, coord, coordinator):
    primary = make_worker(client, coord)
    assert call(client, "POST", "/oncall/rotations", coord, {
        "id": f"r-{primary}", "level": "primary", "workers": [primary],
        "start": "2026-11-01T08:00:00+02:00", "shift_hours": 168})[0] == 201
    page = get(client, "/staff/oncall/policy", coordinator).body.decode()
    assert "Käytössä on oletusketju" in page and 'name="notify-2"' in page
    fields = {"notify-0": "primary", "wait-0": "5", "notify-1": "secondary", "wait-1": "10",
              "notify-2": "", "wait-2": "", "repeat": "1"}
    preview = post(client, "/staff/oncall/policy", coordinator, {**fields, "step": "preview"})
    assert preview.status_code == 200
    nobody = "Toissijainen päivystäjä: ei ketään vuorossa, ohitetaan heti"
    assert timeline(preview.body.decode()) == [
        f"0 min | 12.00 | 1, kierros 1 | Ensisijainen päivystäjä: {primary}",
        f"5 min | 12.05 | 2, kierros 1 | {nobody}",  # skipped at once, not waited out
        f"5 min | 12.05 | 1, kierros 2 | Ensisijainen päivystäjä: {primary}",
        f"10 min | 12.10 | 2, kierros 2 | {nobody}",
        "10 min | 12.10 |  | Perhe saa hätänumerot (112 ja sosiaali- ja kriisipäivystys)"]
    assert call(client, "GET", "/oncall/policy", coord)[1]["default"] is True

    saved = post(client, "/staff/oncall/policy", coordinator, {**fields, "step": "save"})
    assert saved.headers["Location"] == "/staff/oncall/policy?notice=saved"
    stored = call(client, "GET", "/oncall/policy", coord)[1]
    assert stored == {"steps": [{"notify": "primary", "wait_seconds": 300},
                                {"notify": "secondary", "wait_seconds": 600}], "repeat": 1,
                      "default": False}
    again = get(client, "/staff/oncall/policy?notice=saved", coordinator).body.decode()
    assert 'value="secondary"' in again and "Hälytysketju on tallennettu." in again


@pytest.mark.parametrize(("change", "field"), [
    ({"notify-1": "everyone"}, "notify-1"), ({"wait-0": "soon"}, "wait-0"),
    ({"wait-1": "100000"}, "wait-1"), ({"repeat": "99"}, "repeat"),
    ({"notify-0": "", "wait-0": "", "notify-1": "", "wait-1": ""}, "notify-0"),
    ({"notify-1": "worker:w-nobody"}, "notify-0"),
])
def test_a_bad_policy_row_is_shown_beside_its_field(client, coord, coordinator, change, field):
    fields = {"notify-0": "primary", "wait-0": "5", "notify-1": "secondary", "wait-1": "10",
              "repeat": "0", "step": "save", **change}
    answer = post(client, "/staff/oncall/policy", coordinator, fields)
    assert answer.status_code == 422 and f'id="e-{field}"' in answer.body.decode(), field


def test_a_worker_cannot_open_or_post_the_policy_form(client, coord):
    worker = console_cookie("worker", "w-x")
    assert get(client, "/staff/oncall/policy", worker).status_code == 403
    assert post(client, "/staff/oncall/policy", worker, {"repeat": "0"}).status_code == 403
