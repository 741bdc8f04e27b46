"""Through the REAL local server: an unknown path is a 404 in the contract's shape that quotes
nothing of the request, as the deployed gateway's (tests/infra); the site icon exists."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from chalicelib.local.gateway import NO_ROUTE_BODY
from tests.support.stack import local_stack  # noqa: F401 - fixture

pytestmark = pytest.mark.localstack


def fetch(stack, method: str, path: str, headers: dict | None = None):
    request = urllib.request.Request(f"{stack.base_url}{path}", method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("method, path", [
    ("GET", "/nothing-here"), ("GET", "/cases/k1/nothing"), ("POST", "/admin"),
    ("DELETE", "/offices/kallio/rooms/1"), ("GET", "/book/abc/def/ghi/jkl")])
def test_an_unknown_path_is_404_with_or_without_credentials(local_stack, method, path):
    bearer = f"Bearer {local_stack.token('coordinator')}"
    for headers in ({}, {"Authorization": bearer}, {"Authorization": "Basic c2VjcmV0"}):
        status, answer_headers, body = fetch(local_stack, method, path, headers)
        assert status == 404, (headers, body)
        assert answer_headers["Content-Type"] == "application/json"
        assert json.loads(body) == json.loads(NO_ROUTE_BODY) == {
            "error": {"code": "not_found", "message": "no such resource"}}


def test_known_routes_still_answer_as_before(local_stack):
    assert fetch(local_stack, "GET", "/health")[0] == 200
    assert fetch(local_stack, "GET", "/offices")[0] == 401
    token = {"Authorization": f"Bearer {local_stack.token('coordinator')}"}
    assert fetch(local_stack, "GET", "/cases?limit=1", token)[0] == 200


def test_the_site_icon_is_an_svg_a_browser_can_cache(local_stack):
    status, headers, body = fetch(local_stack, "GET", "/favicon.ico")
    assert (status, headers["Content-Type"]) == (200, "image/svg+xml")
    assert "max-age" in headers["Cache-Control"]
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 32 32"
