"""``cli seed`` (the demo data of ``make run``) prints a working family booking URL (a
new one each run) and the same worker feed URL every run, so a subscription survives."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import time_machine

from harness.api import call

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def urls(lines: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in lines if line.startswith(("booking_url", "feed_url")))


def test_each_seed_prints_a_fresh_booking_url_and_the_same_feed_url(client, aws):
    from chalicelib import bootstrap
    from chalicelib.local.demo import seed_demo

    with time_machine.travel(NOW, tick=False):
        first = urls(seed_demo(bootstrap.wiring(), NOW))
        second = urls(seed_demo(bootstrap.wiring(), NOW))
        public = bootstrap.wiring().settings.public_url
        assert first.keys() == second.keys() == {"booking_url", "feed_url"}
        assert first["booking_url"].startswith(f"{public}/book/kdemo001.")
        assert first["booking_url"] != second["booking_url"]
        for booking_url in (first["booking_url"], second["booking_url"]):
            page = client.http.get(booking_url.removeprefix(public))
            assert page.status_code == 200 and b"<html" in page.body
        assert first["feed_url"] == second["feed_url"]
        assert first["feed_url"].startswith(f"{public}/feeds/w-aino.")
        feed = client.http.get(first["feed_url"].removeprefix(public))
        assert feed.status_code == 200 and b"UID:oncall-w-aino-primary-" in feed.body
        key = Path(aws["TAPAAMO_LOCAL_DIR"]) / "demo-feed.key"
        assert key.stat().st_mode & 0o077 == 0  # the owner's only
        secret = first["feed_url"].rsplit(".", 2)[1]
        assert secret not in str(bootstrap.wiring().agenda.worker_agenda("w-aino", NOW))


def test_a_feed_url_replaced_through_the_api_is_left_alone_by_the_next_seed(client, token):
    from chalicelib import bootstrap
    from chalicelib.local.demo import seed_demo

    with time_machine.travel(NOW, tick=False):
        demo = urls(seed_demo(bootstrap.wiring(), NOW))["feed_url"]
        status, body = call(client, "POST", "/workers/w-aino/feed-tokens", token("coordinator"))
        assert status == 201
        again = urls(seed_demo(bootstrap.wiring(), NOW))["feed_url"]
        public = bootstrap.wiring().settings.public_url
        assert again.startswith("(replaced through the API")
        assert client.http.get(body["url"].removeprefix(public)).status_code == 200
        assert client.http.get(demo.removeprefix(public)).status_code == 410
