"""The OpenAPI document is the whole HTTP API: every route and method, no more, no less."""

from __future__ import annotations

import json

from chalicelib.web.openapi import document


def routes_of_the_app() -> dict[tuple[str, str], bool]:
    """``{(METHOD, path): needs a staff token}`` for every route Chalice serves."""
    from app import app

    return {(method, path): entry.authorizer is not None
            for path, methods in app.routes.items() for method, entry in methods.items()}


def operations_of_the_document() -> dict[tuple[str, str], bool]:
    return {(method.upper(), path): "security" in operation
            for path, item in document()["paths"].items() for method, operation in item.items()}


def test_every_route_is_documented_and_every_documented_operation_exists():
    served, documented = routes_of_the_app(), operations_of_the_document()
    assert sorted(served.keys() - documented.keys()) == [], "routes missing from the document"
    assert sorted(documented.keys() - served.keys()) == [], "documented but not served"


def test_exactly_the_staff_routes_declare_bearer_security():
    served, documented = routes_of_the_app(), operations_of_the_document()
    assert {k for k, staff in served.items() if staff} == {
        k for k, staff in documented.items() if staff}


def test_the_document_is_valid_openapi_with_the_error_shape_and_bearer_scheme():
    from openapi_spec_validator import validate

    doc = document()
    validate(doc)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert "4XX" in operation["responses"], (method, path)
            if method in ("post", "put", "patch") and "{token}/page/" not in path:
                assert operation.get("requestBody") or path.endswith(
                    ("/cancel", "/ack", "/feed-tokens", "/busy-source/sync")) or path == "/ack/{token}", (method, path)


def test_get_openapi_json_serves_it_without_a_token(client):
    response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.body) == json.loads(json.dumps(document()))


def test_the_document_is_not_built_at_import():
    import subprocess
    import sys

    code = ("import sys, app; bad = [m for m in ('pydantic', 'chalicelib.web.openapi') "
            "if m in sys.modules]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_the_review_rule_schema_names_exactly_the_rule_parameters():
    from dataclasses import fields

    from chalicelib.domain.review_rules import RULE_TYPES
    from chalicelib.web.openapi_schemas import REVIEW_RULE

    parameters = {f.name for cls in RULE_TYPES.values() for f in fields(cls)} | {"type"}
    assert set(REVIEW_RULE["properties"]) == parameters
    assert REVIEW_RULE["properties"]["type"]["enum"] == list(RULE_TYPES)
