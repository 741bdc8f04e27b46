"""The bounded schemathesis runs inside ``make test`` (a few cases per operation, and a few
booking chains by the OpenAPI links; fixed seed); ``make fuzz`` runs tests/fuzz/ with many
more."""

import pytest

from tests.fuzz.conftest import staff_tokens  # noqa: F401 - fixture
from tests.fuzz.schema_fuzz import call_and_check, fuzz_settings, schema
from tests.fuzz.stateful import run_booking_chains


@pytest.mark.fuzz
@pytest.mark.localstack
@schema.parametrize()
@fuzz_settings(5)
def test_no_operation_answers_5xx_or_off_schema(case, local_stack, staff_tokens):
    call_and_check(case, local_stack, staff_tokens)


@pytest.mark.fuzz
@pytest.mark.localstack
def test_a_few_booking_chains_never_answer_5xx_or_off_schema(local_stack, staff_tokens):
    # About 40 s: ten scenarios of up to ten calls, of values the document allows, so that
    # they get deep into the chain; `make fuzz` adds the rest (tests/fuzz/stateful.py).
    answers = run_booking_chains(local_stack, staff_tokens, examples=10, steps=10,
                                 negative=False)
    assert answers[("POST /book/{token}/appointments", 201)], answers
