"""``make fuzz``: the long stateful run, a family's booking by the OpenAPI links (see
tests/fuzz/stateful.py); ``make test`` runs a bounded one (tests/integration/test_fuzz_bounded.py)."""

import os

import pytest

from tests.fuzz.stateful import run_booking_chains

pytestmark = pytest.mark.skipif(not os.environ.get("TAPAAMO_FUZZ"),
                                reason="the long run is `make fuzz` (TAPAAMO_FUZZ=1)")


@pytest.mark.fuzz
@pytest.mark.localstack
@pytest.mark.timeout(1800)  # one test of ~100 scenarios: about 8 minutes on two cores
def test_booking_chains_never_answer_5xx_or_off_schema(local_stack, staff_tokens):
    answers = run_booking_chains(local_stack, staff_tokens, examples=100, steps=14)
    print(sorted(answers.items()))  # what the run reached (`make fuzz` shows it with -s)
    # The chain was walked to its end, not only refused at its first step.
    for step in ("POST /book/{token}/appointments", "POST /book/{token}/appointments/"
                 "{appointment_id}/move"):
        assert answers[(step, 201 if step.endswith("appointments") else 200)], answers
    assert answers[("POST /book/{token}/appointments/{appointment_id}/cancel", 200)], answers
