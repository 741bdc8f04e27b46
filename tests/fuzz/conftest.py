"""Fixtures of the fuzz runs: staff tokens minted once against the session's stack."""

import pytest


@pytest.fixture(scope="session")
def staff_tokens(local_stack) -> dict:
    return {"coordinator": local_stack.token("coordinator")}
