"""``POST /book/{token}/help`` and the page's help form: a few requests per link per hour.

The limit is a conditional counter in DynamoDB: on DynamoDB Local parallel requests never
get past it together.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from chalicelib.services.help_requests import HELP_LIMIT
from chalicelib.store.rate_limits import DynamoRateLimits, InMemoryRateLimits
from harness.booking import NOW, clock, coord, family, make_family  # noqa: F401
from tests.support.client import app_client, staff_headers
from harness.ddblocal import ddb_local  # noqa: F401 - fixture
from tests.support.oncall import on_call
from tests.support.twins import BACKENDS, twin

JSON = {"Content-Type": "application/json"}


def ask(client, family, body=None):
    return client.http.post(f"{family.base}/help", headers=JSON, body=json.dumps(body or {}))


def test_past_the_limit_a_link_gets_429_with_retry_after_until_the_hour_is_over(
        client, clock, coord, family):
    on_call(client, coord, "primary", "+358401110001")
    answers = [ask(client, family) for _ in range(HELP_LIMIT + 1)]
    assert [a.status_code for a in answers] == [201] * HELP_LIMIT + [429]
    refused = answers[-1]
    body = json.loads(refused.body)
    assert body["error"]["code"] == "too_many_requests"
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 3600
    clock.shift(wait)
    assert ask(client, family).status_code == 201


def test_the_limit_is_per_link(client, clock, coord, family):
    other = make_family(client, coord)
    for _ in range(HELP_LIMIT):
        assert ask(client, family).status_code == 201
    assert ask(client, family).status_code == 429
    assert ask(client, other).status_code == 201


def test_the_page_says_so_in_the_familys_language(client, clock, coord):
    from tests.integration.test_booking_page import get, header, help_form, post_form

    swedish = make_family(client, coord, contact={"phone": "040 123 4567", "language": "sv"})
    for _ in range(HELP_LIMIT):
        assert ask(client, swedish).status_code == 201
    response = post_form(client, f"{swedish.base}/page/help", help_form(client, swedish))
    location = header(response, "location")
    assert response.status_code == 303
    assert parse_qs(urlparse(location).query)["notice"] == ["help_limit"]
    _, shown = get(client, location)
    assert "Du har redan skickat flera begäran om hjälp den här timmen." in shown


@pytest.fixture(params=BACKENDS)
def limits(request):
    return twin(request, InMemoryRateLimits, DynamoRateLimits)


def test_a_counter_allows_the_limit_per_window_then_says_how_long_to_wait(limits):
    window = timedelta(hours=1)
    start = NOW.replace(minute=0, second=0, microsecond=0)
    at = start + timedelta(minutes=45)
    assert [limits.take("k", at, 2, window) for _ in range(3)] == [None, None, 15 * 60]
    assert limits.take("other", at, 2, window) is None
    assert limits.take("k", start + window, 2, window) is None


@pytest.fixture
def local_client(ddb_local):
    with app_client() as test_client:
        yield test_client


def test_on_dynamodb_local_parallel_requests_never_pass_the_limit(local_client, ddb_local):
    with time_machine.travel(NOW, tick=True):
        coord = staff_headers(ddb_local["TAPAAMO_LOCAL_DIR"])
        on_call(local_client, coord, "primary", "+358401110001")
        family = make_family(local_client, coord)
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(lambda _: ask(local_client, family).status_code,
                                     range(12)))
    assert Counter(statuses) == {201: HELP_LIMIT, 429: 12 - HELP_LIMIT}, statuses
