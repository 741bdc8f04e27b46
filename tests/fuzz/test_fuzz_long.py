"""``make fuzz``: the long schemathesis run (200 cases per operation); skipped in ``make
test``, which runs the bounded one (tests/integration/test_fuzz_bounded.py)."""

import os

import pytest

from tests.fuzz.schema_fuzz import call_and_check, fuzz_settings, schema

pytestmark = pytest.mark.skipif(not os.environ.get("TAPAAMO_FUZZ"),
                                reason="the long run is `make fuzz` (TAPAAMO_FUZZ=1)")


@pytest.mark.fuzz
@pytest.mark.localstack
@schema.parametrize()
@fuzz_settings(200)
def test_no_operation_answers_5xx_or_off_schema(case, local_stack, staff_tokens):
    call_and_check(case, local_stack, staff_tokens)
