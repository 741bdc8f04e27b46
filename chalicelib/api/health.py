"""Liveness: ``GET /health`` answers 200 without touching DynamoDB."""

from chalice import Blueprint

from chalicelib.api.http import endpoint, json_response

bp = Blueprint(__name__)


@endpoint(bp, "/health")
def health():
    return json_response({"status": "ok"})
