"""Liveness (`GET /health`, no DynamoDB; `?deep=1` also reads the table), the OpenAPI
document (`GET /openapi.json`) and the site icon (`GET /favicon.ico`, which browsers ask
for on every page)."""

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import endpoint, json_response, query_param

bp = Blueprint(__name__)
DEEP = ("1", "true", "yes")


@endpoint(bp, "/health")
def health():
    """200 while the function runs; with ``?deep=1`` only while the table answers too
    (one GetItem of a key that never exists: 503 with ``Retry-After`` when it does not)."""
    if query_param(bp.current_request, "deep", "").lower() not in DEEP:
        return json_response({"status": "ok"})
    from chalicelib.services.health import check_table

    bootstrap.wiring()
    check_table()
    return json_response({"status": "ok", "table": "ok"})


@endpoint(bp, "/openapi.json")
def openapi():
    from chalicelib.web.openapi import document  # built on the first request only

    return json_response(document())


@endpoint(bp, "/favicon.ico")
def favicon():
    from chalicelib.web.render import favicon_response

    return favicon_response()
