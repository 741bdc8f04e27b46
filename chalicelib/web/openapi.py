"""The OpenAPI 3.1 document of the whole HTTP API, built from a compact table.

Request bodies validated with pydantic take their JSON Schema from the models, so the
document cannot drift from them; the rest are small hand-written schemas. It is built on
the first ``GET /openapi.json``, never at import (pydantic is heavy for a cold start).
"""

from __future__ import annotations

from functools import lru_cache

from chalicelib.web import openapi_console as console
from chalicelib.web.openapi_links import LINKS
from chalicelib.web.openapi_routes import OPERATIONS, QUERIES, REQUIRED_QUERIES
from chalicelib.web.openapi_schemas import REF, STR, obj

MEDIA = {"json": "application/json", "html": "text/html", "ics": "text/calendar",
         "svg": "image/svg+xml"}
MODELS = ("OfficeIn", "WorkerIn", "CaseIn", "EscalationIn", "HelpIn", "MissedCallIn",
          "BusySourceIn", "GroupIn", "GroupPatch", "SeatIn", "SeatCancel")
# Refusals come in the contract's shape; the gateway's own (a missing bearer header, a
# content type no route takes) in Chalice's.
ERROR = obj({"error": obj({"code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                           "message": STR}, {"field": STR})})
GATEWAY_ERROR = {"anyOf": [obj({"message": STR}), obj({"Code": STR, "Message": STR})]}


@lru_cache(maxsize=1)
def document() -> dict:
    """The OpenAPI document (built once per container)."""
    paths: dict = {}
    for method, path, summary, who, body, success in OPERATIONS:
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, summary, who,
                                                                body, success)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tapaamo", "version": "1",
                 "description": "Scheduling and reminders for child-welfare family work."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR, "GatewayError": GATEWAY_ERROR, **_model_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
        },
    }


def _operation(method, path, summary, who, body, success) -> dict:
    statuses, kind, schema = success
    statuses = statuses if isinstance(statuses, tuple) else (statuses,)
    operation = {"summary": summary, "operationId": f"{method.lower()} {path}",
                 "parameters": _parameters(method, path),
                 "responses": {**{str(s): _content(kind, schema) for s in statuses},
                               **_refusals(kind, who)}}
    if (method, path) in LINKS:
        operation["responses"][str(statuses[0])]["links"] = LINKS[(method, path)]
    if who == "staff":
        operation["security"] = [{"bearer": []}]
    if who == "console":
        operation["responses"].update(console.SIGN_IN)
    if body is not None:
        operation["requestBody"] = _body(body)
    return operation


def _parameters(method: str, path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    found = [{"name": n, "in": "path", "required": True,
              "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,120}$"}}
             for n in names]
    for name, schema in (QUERIES.get(path, {}) if method == "GET" else {}).items():
        found.append({"name": name, "in": "query", "schema": schema,
                      "required": (path, name) in REQUIRED_QUERIES})
    if path == "/hooks/missed-call":
        found.append({"name": "X-Tapaamo-Signature", "in": "header", "required": True,
                      "schema": STR, "description": "sha256=<hex HMAC-SHA256 of the body>"})
    return found


def _content(kind: str, schema: dict | None) -> dict:
    if kind in ("none", "redirect"):
        return {"description": "no body"}
    if kind == "static":
        return {"description": "OK", "content": {"text/css": {"schema": STR},
                                                 "text/javascript": {"schema": STR}}}
    media = MEDIA[kind]
    return {"description": "OK", "content": {media: {"schema": schema or STR}}}


def _refusals(kind: str, who: str) -> dict:
    if kind in ("static", "svg"):  # a stylesheet or script that is not there; the icon is
        refusal = {"description": "refused", "content": {"text/plain": {"schema": STR}}}
    elif kind in ("json", "ics", "none"):
        error = {"anyOf": [{"$ref": REF.format(model="Error")},
                           {"$ref": REF.format(model="GatewayError")}]}
        refusal = {"description": "refused", "content": {"application/json": {"schema": error}}}
    else:  # HTML routes refuse with pages; the gateway (e.g. 415) in its own JSON
        refusal = {"description": "refused", "content": {
            "text/html": {"schema": STR},
            "application/json": {"schema": {"$ref": REF.format(model="GatewayError")}}}}
    answers = {"4XX": refusal, "503": {"description": "busy: retry after Retry-After",
                                       **refusal}}
    if kind == "ics":
        answers["304"] = {"description": "not modified (If-None-Match; a worker feed's "
                                         "weak ETag follows the feed's version)"}
        # A worker feed's replaced address says so in words a calendar app can show.
        answers["410"] = {"description": "a replaced feed address, or a gone booking link",
                          "content": {"text/plain": {"schema": STR},
                                      **refusal["content"]}}
    return answers


def _body(body) -> dict:
    if isinstance(body, str):
        return {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=body)}}}}
    if "application/x-www-form-urlencoded" in body:
        return {"required": True, "content": body}
    return {"required": True, "content": {"application/json": {"schema": body}}}


def _model_schemas() -> dict:
    from pydantic.json_schema import models_json_schema

    from chalicelib.api import busy_schemas, group_schemas, oncall_schemas, schemas

    modules = (schemas, oncall_schemas, busy_schemas, group_schemas)
    models = [next(getattr(m, n) for m in modules if hasattr(m, n)) for n in MODELS]
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    return top.get("$defs", {})
