"""The bounded schemathesis run inside ``make test`` (a few cases per operation, fixed
seed); ``make fuzz`` runs tests/fuzz/ with many more."""

import pytest

from tests.fuzz.conftest import staff_tokens  # noqa: F401 - fixture
from tests.fuzz.schema_fuzz import call_and_check, fuzz_settings, schema


@pytest.mark.fuzz
@pytest.mark.localstack
@schema.parametrize()
@fuzz_settings(5)
def test_no_operation_answers_5xx_or_off_schema(case, local_stack, staff_tokens):
    call_and_check(case, local_stack, staff_tokens)
