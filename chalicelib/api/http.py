"""Request/response plumbing shared by the blueprints: routes, bodies, actors, JSON."""

from __future__ import annotations

import functools
import json
import re
from datetime import date, datetime
from decimal import Decimal

from chalice import Response

from chalicelib import bootstrap
from chalicelib.api.errors import error_response
from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Invalid, Rejected, Unauthorized
from chalicelib.domain.instants import parse_bound, parse_instant
from chalicelib.domain.workdays import HELSINKI


def endpoint(bp, path: str, methods=("GET",), authorizer=None, **kwargs):
    """Register ``view`` on ``bp`` with the contract's error mapping around it.

    Chalice turns exceptions into its own 500 body before middleware sees them, so the
    mapping wraps each view instead.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(**params):
            try:
                return view(**params)
            except Exception as exc:  # noqa: BLE001 - domain errors, and the last line of defence
                return error_response(exc, path)

        bp.route(path, methods=list(methods), authorizer=authorizer, **kwargs)(wrapped)
        return view

    return decorate


def staff_call(bp):
    """``(request, actor, now)`` of a staff route, with the collaborators wired.

    Raises:
        Unauthorized: the token did not verify (401).
    """
    request = bp.current_request
    actor = actor_of(request)
    now = bootstrap.now()
    bootstrap.wiring()
    return request, actor, now


def actor_of(request) -> Actor:
    """The staff member the authorizer verified; 401 when the token did not verify."""
    context = (request.context or {}).get("authorizer") or {}
    if not context.get("role"):
        raise Unauthorized(context.get("error") or "a valid bearer token is required")
    return Actor(subject=context.get("principalId", ""), role=context["role"],
                 worker_id=context.get("worker") or None)


# No request body of the contract nests deeper than a few levels; the standard parser
# recurses once per level and a 10,000-deep body ends in RecursionError.
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 256 * 1024
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deep the arrays and objects of JSON text ``raw`` nest (brackets in strings
    do not count), measured without parsing it.

    >>> json_depth(b'{"a": [1, {"b": "[["}]}')
    3
    """
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_object(request) -> dict:
    """The request body as a JSON object; 400 when it is not one.

    Raises:
        Invalid: (400 ``malformed_json``) for a body that is not a JSON object, larger
            than ``MAX_JSON_BYTES`` or nested deeper than ``MAX_JSON_DEPTH``.
    """
    raw = request.raw_body or b""
    if not raw.strip():
        return {}
    if len(raw) > MAX_JSON_BYTES:
        raise Invalid(f"the body is larger than {MAX_JSON_BYTES} bytes", code="malformed_json")
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise Invalid(f"the body nests deeper than {MAX_JSON_DEPTH} levels",
                      code="malformed_json")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid("the body is not valid JSON", code="malformed_json") from error
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object", code="malformed_json")
    return data


def parse(schema, data: dict):
    """Validate ``data`` with a pydantic model; 422 naming the first bad field."""
    from pydantic import ValidationError

    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        raise Rejected(f"{field}: {message}" if field else message, code="invalid_value",
                       field=field) from error


def instant(body: dict, name: str) -> datetime:
    """An ISO 8601 instant with offset from ``body[name]``.

    Raises:
        Rejected: 422 ``invalid_value``, as for every other bad field of a booking body.
    """
    try:
        return parse_instant(body.get(name), name)
    except Invalid:
        raise Rejected(f"{name}: an ISO 8601 instant with offset is required",
                       code="invalid_value", field=name) from None


def text(body: dict, name: str) -> str:
    """A short text (1–40 characters) from ``body[name]``; 422 ``invalid_value`` otherwise."""
    value = body.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise Rejected(f"{name}: a short text is required", code="invalid_value", field=name)
    return value


def idempotency_header(request) -> str | None:
    """The ``Idempotency-Key`` header (1–255 characters) or None; 400 otherwise."""
    value = (request.headers or {}).get("idempotency-key")
    if value is not None and not 0 < len(value) <= 255:
        raise Invalid("Idempotency-Key must be 1-255 characters", code="bad_idempotency_key")
    return value


def checked_id(value: str) -> str:
    """``value`` as an office or worker id; 422 ``invalid_value`` otherwise."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", value):
        raise Rejected("ids are 1-40 characters a-z, 0-9 and '-'", code="invalid_value",
                       field="id")
    return value


def query_param(request, name: str, default=None):
    return (request.query_params or {}).get(name, default)


def page_params(request) -> tuple[str | None, int]:
    """``?cursor=`` and ``?limit=`` of a paged list (400 for a bad limit)."""
    from chalicelib.domain.paging import page_size

    return query_param(request, "cursor"), page_size(query_param(request, "limit"))


def page_json(key: str, page, item_json) -> dict:
    """``{key: [items], "cursor": str | null}``: pass the cursor back for the next page."""
    return {key: [item_json(i) for i in page.items], "cursor": page.cursor}


def instant_param(request, name: str, default: datetime | None = None) -> datetime:
    """The query parameter ``name`` as an aware instant, ``default`` when it is absent.

    Raises:
        Invalid: (400 ``bad_request`` naming ``name``) when it is not an ISO 8601 instant
            with an offset, or absent without a default.
    """
    value = query_param(request, name)
    if value is None and default is not None:
        return default
    # A '+' in a query string arrives as a space.
    return parse_instant((value or "").replace(" ", "+"), name)


def bound_param(request, name: str, end: bool = False) -> datetime:
    """A span's bound from the query: an instant, or a date as a whole Helsinki day.

    See :func:`chalicelib.domain.instants.parse_bound`; 400 naming ``name`` otherwise.
    """
    value = query_param(request, name)
    return parse_bound((value or "").replace(" ", "+"), name, end=end)


def to_json(value):
    """JSON-able form: instants as ISO 8601 with the Helsinki offset, dates as YYYY-MM-DD,
    exact numbers (Decimal) as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(to_json(body), ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})
