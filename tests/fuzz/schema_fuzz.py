"""Schemathesis against the real local server (``local_stack``) with ``GET /openapi.json``'s
document: no 5xx, and every response matches the document. Staff operations get a
coordinator's token, so authenticated paths are exercised past the authorizer.

Besides what the document describes, the strategies mix in hostile values: dates and
instants at the ends of the calendar (0001-01-01, 9999-12-31), extreme numbers (1e308,
5e-324, NaN, 2**64) in place of a body's numbers, and bodies nested deeper than the API
reads (the JSON depth bound).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks

from chalicelib.web.openapi import document

EXTREME_DAYS = ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "2026-02-29",
                "2026-10-25", "2027-03-28"]
EXTREME_INSTANTS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                    "2026-10-25T03:30:00+03:00", "2100-01-01T00:00:00Z",
                    "1999-12-31T23:59:59.999999+00:00"]
EXTREME_NUMBERS = [1e308, -1e308, 5e-324, -0.0, math.nan, math.inf, 2**64, -(2**63),
                   10**30, 0.1 + 0.2, 33.6588]
DEPTH_BEYOND_BOUND = 40  # the API reads at most 32 levels (chalicelib.api.http)


def _days():
    usual = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
    return st.one_of(usual.map(date.isoformat), st.sampled_from(EXTREME_DAYS))


def _instants():
    usual = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31),
                         timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=2)),
                                                    timezone(timedelta(hours=3))]))
    return st.one_of(usual.map(datetime.isoformat), st.sampled_from(EXTREME_INSTANTS))


schemathesis.openapi.format("date", _days())
schemathesis.openapi.format("date-time", _instants())
schema = schemathesis.openapi.from_dict(document())


def _with_extreme_numbers(body, draw):
    """``body`` with each number replaced, now and then, by an extreme one."""
    if isinstance(body, bool):
        return body
    if isinstance(body, (int, float)):
        return draw(st.sampled_from([body, *EXTREME_NUMBERS]))
    if isinstance(body, list):
        return [_with_extreme_numbers(v, draw) for v in body]
    if isinstance(body, dict):
        return {k: _with_extreme_numbers(v, draw) for k, v in body.items()}
    return body


def _non_finite(body) -> bool:
    if isinstance(body, float):
        return not math.isfinite(body)
    if isinstance(body, list):
        return any(map(_non_finite, body))
    if isinstance(body, dict):
        return any(map(_non_finite, body.values()))
    return False


@st.composite
def _hostile(draw, body):
    choice = draw(st.sampled_from(["numbers", "deep", "deep-field"]))
    if choice == "numbers":
        hostile = _with_extreme_numbers(body, draw)
        # NaN and Infinity are not JSON, so requests will not send them; a hostile client
        # will (Python's json writes and reads them): send those bodies as raw bytes.
        return json.dumps(hostile, allow_nan=True).encode() if _non_finite(hostile) else hostile
    nested = body
    for _ in range(DEPTH_BEYOND_BOUND):
        nested = [nested]
    if choice == "deep" or not isinstance(body, dict):
        return nested
    return {**body, draw(st.sampled_from(sorted(body) or ["x"])): nested}


@schema.hook
def flatmap_body(context, body):
    # Mostly the document's body as generated; one in four made hostile.
    return st.one_of(st.just(body), st.just(body), st.just(body), _hostile(body))
# What our code answers for. Undeclared methods (TRACE, ...) are the gateway's business:
# API Gateway refuses them before Lambda, and `chalice local`'s dev server says 501.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]


def fuzz_settings(examples: int, **more):
    """Deterministic (derandomized) runs of ``examples`` cases per operation (or scenarios)."""
    return settings(max_examples=examples, derandomize=True, deadline=None,
                    suppress_health_check=list(HealthCheck), database=None, **more)


def call_and_check(case, stack, tokens: dict) -> None:
    if case.method.upper() != case.operation.method.upper():
        return  # an undeclared method: the gateway's answer, see CHECKS
    headers = {}
    if case.operation.definition.raw.get("security"):
        headers["Authorization"] = f"Bearer {tokens['coordinator']}"
    case.call_and_validate(base_url=stack.base_url, headers=headers, checks=CHECKS,
                           timeout=30)
