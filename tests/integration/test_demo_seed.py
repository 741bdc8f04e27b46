"""``cli seed`` (the demo data of ``make run``) prints a working family booking URL and
worker feed URL, new ones on every run."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def urls(lines: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in lines if line.startswith(("booking_url", "feed_url")))


def test_each_seed_prints_a_fresh_booking_url_and_feed_url_that_work(client):
    from chalicelib import bootstrap
    from chalicelib.local.demo import seed_demo

    with time_machine.travel(NOW, tick=False):
        first = urls(seed_demo(bootstrap.wiring(), NOW))
        second = urls(seed_demo(bootstrap.wiring(), NOW))
        public = bootstrap.wiring().settings.public_url
        assert first.keys() == second.keys() == {"booking_url", "feed_url"}
        assert first["booking_url"].startswith(f"{public}/book/kdemo001.")
        assert first["feed_url"].startswith(f"{public}/feeds/w-aino.")
        page = client.http.get(first["booking_url"].removeprefix(public))
        assert page.status_code == 200 and b"<html" in page.body
        # A new feed token replaces the previous one; booking links stay valid side by side.
        assert client.http.get(first["feed_url"].removeprefix(public)).status_code == 404
        feed = client.http.get(second["feed_url"].removeprefix(public))
        assert feed.status_code == 200 and b"UID:oncall-w-aino-primary-" in feed.body
