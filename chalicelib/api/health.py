"""Liveness (`GET /health`, no DynamoDB), the OpenAPI document (`GET /openapi.json`) and the
site icon (`GET /favicon.ico`, which browsers ask for on every page)."""

from chalice import Blueprint

from chalicelib.api.http import endpoint, json_response

bp = Blueprint(__name__)


@endpoint(bp, "/health")
def health():
    return json_response({"status": "ok"})


@endpoint(bp, "/openapi.json")
def openapi():
    from chalicelib.web.openapi import document  # built on the first request only

    return json_response(document())


@endpoint(bp, "/favicon.ico")
def favicon():
    from chalicelib.web.render import favicon_response

    return favicon_response()
