"""The console's rotation and cover editing on moto: make, preview, change and end a rotation;
change and end a cover; a worker gets the 403 page on every form."""

from __future__ import annotations

import re

import pytest

from tests.integration.test_console_pages import get, post
from harness.api import call, make_worker, unique
from harness.booking import clock, coord  # noqa: F401 - fixtures (the clock stands at NOW)
from harness.console import console_cookie

AT = "/oncall/now?at={}"


@pytest.fixture
def coordinator(coord):
    return console_cookie("coordinator")


def holder(client, coord, at: str):
    return call(client, "GET", AT.format(at.replace("+", "%2B")), coord)[1]["primary"]


def rotation_fields(rotation_id: str, workers, **changes) -> dict:
    return {"id": rotation_id, "level": "primary", "workers": " ".join(workers),
            "start": "2026-11-02T08:00", "shift_hours": "24", "end": "", **changes}


def test_a_new_rotation_is_previewed_then_saved_changed_and_ended(client, coord, coordinator):
    anna, ben = make_worker(client, coord), make_worker(client, coord)
    rid = unique("rot")
    assert get(client, "/staff/oncall/rotations/new", coordinator).status_code == 200
    fields = rotation_fields(rid, [anna, ben])
    preview = post(client, "/staff/oncall/rotations", coordinator, {**fields, "step": "preview"})
    body = preview.body.decode()
    assert preview.status_code == 200 and 'aria-labelledby="level-primary-preview"' in body
    assert anna in body and holder(client, coord, "2026-11-03T12:00:00+02:00") is None

    saved = post(client, "/staff/oncall/rotations", coordinator, {**fields, "step": "save"})
    assert (saved.status_code, saved.headers["Location"]) == (
        303, "/staff/oncall?notice=rotation-saved")
    page = get(client, "/staff/oncall?notice=rotation-saved", coordinator).body.decode()
    assert "Vuorolista on tallennettu." in page and f"/staff/oncall/rotations/{rid}/edit" in page
    assert holder(client, coord, "2026-11-03T12:00:00+02:00")["worker"] == ben

    again = post(client, "/staff/oncall/rotations", coordinator, {**fields, "step": "save"})
    assert again.status_code == 422 and 'id="e-id"' in again.body.decode()

    form = get(client, f"/staff/oncall/rotations/{rid}/edit", coordinator).body.decode()
    assert 'name="editing" value="1"' in form and 'value="2026-11-02T08:00"' in form
    changed = post(client, "/staff/oncall/rotations", coordinator,
                   {**fields, "workers": ben, "editing": "1", "step": "save"})
    assert changed.status_code == 303
    assert holder(client, coord, "2026-11-02T12:00:00+02:00")["worker"] == ben

    assert get(client, f"/staff/oncall/rotations/{rid}/end", coordinator).status_code == 200
    end = {"at": "2026-11-05T12:00"}
    preview = post(client, f"/staff/oncall/rotations/{rid}/end", coordinator,
                   {**end, "step": "preview"}).body.decode()
    assert 'class="gap"' in preview.split('id="preview-title"')[1]
    assert holder(client, coord, "2026-11-06T12:00:00+02:00")["worker"] == ben
    ended = post(client, f"/staff/oncall/rotations/{rid}/end", coordinator,
                 {**end, "step": "save"})
    assert ended.headers["Location"] == "/staff/oncall?notice=rotation-ended"
    assert holder(client, coord, "2026-11-05T11:59:00+02:00")["worker"] == ben
    assert holder(client, coord, "2026-11-05T12:00:00+02:00") is None


def test_a_bad_rotation_form_shows_each_message_beside_its_field(client, coord, coordinator):
    cases = [({"id": "a b"}, "id"), ({"workers": ""}, "workers"),
             ({"workers": "w-nobody"}, "workers"), ({"shift_hours": "x"}, "shift_hours"),
             ({"start": ""}, "start"), ({"end": "2026-11-01T08:00"}, "end")]
    for change, field in cases:
        fields = {**rotation_fields(unique("rot"), ["w-somebody"]), **change, "step": "save"}
        answer = post(client, "/staff/oncall/rotations", coordinator, fields)
        assert answer.status_code == 422, (change, answer.status_code)
        assert f'id="e-{field}"' in answer.body.decode(), change
    early = post(client, "/staff/oncall/rotations/nope/end", coordinator,
                 {"at": "2026-11-05T12:00", "step": "save"})
    assert early.status_code == 404


def test_a_cover_is_changed_with_a_preview_and_ended_now(client, coord, coordinator):
    anna, ben = make_worker(client, coord), make_worker(client, coord)
    status, cover = call(client, "POST", "/oncall/overrides", coord, {
        "worker": anna, "level": "primary", "start": "2026-11-23T08:00:00+02:00",
        "end": "2026-11-24T08:00:00+02:00"})
    assert status == 201, cover
    page = get(client, "/staff/oncall", coordinator).body.decode()
    assert re.search(rf"<td>{anna}</td>", page)
    form = get(client, f"/staff/oncall/cover?edit={cover['id']}", coordinator).body.decode()
    assert f'name="replaces" value="{cover["id"]}"' in form and f'value="{anna}"' in form
    fields = {"worker": ben, "level": "primary", "start": "2026-11-23T08:00",
              "end": "2026-11-24T08:00", "replaces": cover["id"]}
    preview = post(client, "/staff/oncall/cover", coordinator, {**fields, "step": "preview"})
    assert ben in preview.body.decode().split('id="preview-title"')[1]
    assert holder(client, coord, "2026-11-23T12:00:00+02:00")["worker"] == anna
    assert post(client, "/staff/oncall/cover", coordinator,
                {**fields, "step": "save"}).status_code == 303
    assert holder(client, coord, "2026-11-23T12:00:00+02:00")["worker"] == ben
    [changed] = call(client, "GET", "/oncall/overrides", coord)[1]["overrides"]

    ended = post(client, "/staff/oncall/overrides/end", coordinator, {"override": changed["id"]})
    assert ended.headers["Location"] == "/staff/oncall?notice=cover-ended"
    assert call(client, "GET", "/oncall/overrides", coord)[1]["overrides"] == []  # not begun
    assert post(client, "/staff/oncall/overrides/end", coordinator,
                {"override": changed["id"]}).status_code == 404


def test_a_worker_sees_the_lists_but_gets_403_on_every_rota_form(client, coord):
    worker = console_cookie("worker", "w-x")
    page = get(client, "/staff/oncall", worker).body.decode()
    assert "/staff/oncall/rotations/new" not in page
    for path in ("/staff/oncall/rotations/new", "/staff/oncall/rotations/r1/edit",
                 "/staff/oncall/rotations/r1/end"):
        assert get(client, path, worker).status_code == 403, path
    for path, fields in (("/staff/oncall/rotations", rotation_fields("r1", ["w-x"])),
                         ("/staff/oncall/rotations/r1/end", {"at": "2026-11-05T12:00"}),
                         ("/staff/oncall/overrides/end", {"override": "x"})):
        assert post(client, path, worker, {**fields, "step": "save"}).status_code == 403, path
