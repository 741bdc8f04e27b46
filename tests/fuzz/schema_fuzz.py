"""Schemathesis against the real local server (``local_stack``) with ``GET /openapi.json``'s
document: no 5xx, and every response matches the document. Staff operations get a
coordinator's token, so authenticated paths are exercised past the authorizer."""

from __future__ import annotations

import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, settings

from chalicelib.web.openapi import document

schema = schemathesis.openapi.from_dict(document())
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
