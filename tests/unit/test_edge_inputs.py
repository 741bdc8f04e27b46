"""Edge parsing without a server: exact numbers, calendar days, JSON depth, job isolation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from botocore.exceptions import ReadTimeoutError
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.api.http import json_depth
from chalicelib.domain.errors import Invalid
from chalicelib.domain.instants import parse_day
from chalicelib.domain.numbers import exact_number
from chalicelib.jobs import each_record

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6))
def test_an_exact_number_equals_its_value_and_is_never_a_float(value):
    number = exact_number(value)
    assert number == value and not isinstance(number, float)
    assert isinstance(number, int) == (value == value.to_integral_value())


@given(st.floats(min_value=0.25, max_value=336))
def test_a_float_becomes_the_decimal_it_prints_as(value):
    assert exact_number(value) == Decimal(repr(value))


@given(st.dates())
def test_a_day_parses_inside_the_century_and_is_refused_outside(day):
    text = day.isoformat()
    if date(2000, 1, 1) <= day <= date(2099, 12, 31):
        assert parse_day(text, "from") == day
    else:
        with pytest.raises(Invalid) as refused:
            parse_day(text, "from")
        assert refused.value.field == "from"


@pytest.mark.parametrize("text", ["", "2026-2-1", "2026-02-30", "+2026-12-01", "20261201",
                                  None, 20261201, "2026-12-01T00:00"])
def test_what_is_not_a_day_is_refused_naming_the_field(text):
    with pytest.raises(Invalid) as refused:
        parse_day(text, "to")
    assert refused.value.field == "to"


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=30)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(JSON)
def test_json_depth_counts_nesting_without_parsing_and_ignores_brackets_in_strings(value):
    assert json_depth(json.dumps(value).encode()) == depth(value)


def test_a_job_skips_a_failing_record_reports_it_and_does_the_rest(caplog):
    emitted = []

    def work(n: int) -> int:
        if n == 2:
            raise OverflowError("date value out of range for +358401234567")
        return n * 10

    done = each_record("demo", [1, 2, 3], work, str, NOW,
                       emit=lambda *args, **dims: emitted.append((args, dims)))
    assert done == [10, 30]
    assert emitted == [(("JobRecordsFailed", 1, NOW), {"Job": "demo"})]
    assert "record 2 skipped (OverflowError)" in caplog.text and "+358" not in caplog.text


def test_a_job_stops_when_the_database_does_not_answer():
    def work(n: int) -> int:
        raise ReadTimeoutError(endpoint_url="http://127.0.0.1:1")

    with pytest.raises(ReadTimeoutError):
        each_record("demo", [1, 2], work, str, NOW, emit=lambda *a, **k: None)
