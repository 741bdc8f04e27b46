"""``make fuzz``: the long schemathesis run (200 cases per operation)."""

import pytest

from tests.fuzz.schema_fuzz import call_and_check, fuzz_settings, schema


@pytest.mark.fuzz
@pytest.mark.localstack
@schema.parametrize()
@fuzz_settings(200)
def test_no_operation_answers_5xx_or_off_schema(case, local_stack, staff_tokens):
    call_and_check(case, local_stack, staff_tokens)
