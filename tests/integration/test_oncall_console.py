"""The on-call console pages on moto: coverage with its gaps, and a cover previewed then saved."""

from __future__ import annotations

import pytest

from tests.integration.test_console_pages import get, post
from harness.api import call, make_worker
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie


@pytest.fixture
def coordinator(coord):
    return console_cookie("coordinator")


def test_with_no_rota_each_level_is_one_gap_and_a_previewed_cover_is_saved_only_on_save(
        client, coord, coordinator):
    worker = make_worker(client, coord, phone="+358401110005")
    page = get(client, "/staff/oncall", coordinator).body.decode()
    assert page.count('class="gap"') == 2 and "Lisää päivystäjä" in page
    form = get(client, "/staff/oncall/cover?level=secondary&start=2026-11-03T08:00"
                       "&end=2026-11-04T08:00", coordinator)
    assert form.status_code == 200, form.body
    fields = {"worker": worker, "level": "primary", "start": "2026-11-03T08:00",
              "end": "2026-11-04T08:00"}
    preview = post(client, "/staff/oncall/cover", coordinator, {**fields, "step": "preview"})
    assert preview.status_code == 200 and worker in preview.body.decode()
    assert call(client, "GET", "/oncall/now?at=2026-11-03T12:00:00%2B02:00", coord)[1][
        "primary"] is None
    saved = post(client, "/staff/oncall/cover", coordinator, {**fields, "step": "save"})
    assert (saved.status_code, saved.headers["Location"]) == (303, "/staff/oncall?notice=saved")
    now = call(client, "GET", "/oncall/now?at=2026-11-03T12:00:00%2B02:00", coord)[1]
    assert now["primary"] == {"worker": worker, "phone": "+358401110005"}


def test_a_worker_sees_the_coverage_but_cannot_add_a_cover(client, coord):
    worker = console_cookie("worker", "w-x")
    assert "Lisää päivystäjä" not in get(client, "/staff/oncall", worker).body.decode()
    assert get(client, "/staff/oncall/cover", worker).status_code == 403


def test_an_unknown_worker_or_a_missing_time_is_shown_beside_its_field(client, coord, coordinator):
    fields = {"worker": "w-nobody", "level": "primary", "start": "2026-11-03T08:00",
              "end": "2026-11-04T08:00", "step": "save"}
    answer = post(client, "/staff/oncall/cover", coordinator, fields)
    assert answer.status_code == 422 and 'id="e-worker"' in answer.body.decode()
    answer = post(client, "/staff/oncall/cover", coordinator, {**fields, "end": ""})
    assert answer.status_code == 422 and 'id="e-end"' in answer.body.decode()
