"""The one place where errors become HTTP responses in the contract's shape.

``{"error": {"code": "<snake_case>", "message": "...", "field"?: "..."}}``
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from chalice import Response

from chalicelib.domain import errors
from chalicelib.faults import aws_error_code, retry_reason

log = logging.getLogger("tapaamo.api")

STATUS = {
    errors.Invalid: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.Rejected: 422,
    errors.TooMany: 429,
    errors.Unavailable: 503,
}


def error_body(code: str, message: str, field: str | None = None) -> str:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return json.dumps({"error": error})


@dataclass(frozen=True)
class Failure:
    """What any exception answers with: the contract's status, code and message."""

    status: int
    code: str
    message: str
    field: str | None = None
    retry_after: int | None = None


def failure_of(exc: BaseException, path: str) -> Failure:
    """The one mapping from an exception to its answer, for JSON and HTML alike.

    A domain error answers with its class's status and its code; busy or unreachable
    AWS with 503 ``unavailable``; anything else with 500 ``internal_error``, logged by
    type and path only (messages may quote user data).
    """
    if isinstance(exc, errors.DomainError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        retry_after = (exc.retry_after if isinstance(exc, errors.TooMany)
                       else 1 if status == 503 else None)
        return Failure(status, exc.code, exc.message, exc.field, retry_after)
    if is_retryable(exc):
        return failure_of(errors.Unavailable("the service is busy, try again"), path)
    log.error("unhandled %s (%s) on %s", type(exc).__name__, aws_error_code(exc), path,
              exc_info=False)
    return Failure(500, "internal_error", "something went wrong on our side")


def error_response(exc: BaseException, path: str = "") -> Response:
    """``exc`` as the contract's JSON error (``Retry-After`` on 429 and 503)."""
    failure = failure_of(exc, path)
    headers = {"Content-Type": "application/json"}
    if failure.retry_after is not None:
        headers["Retry-After"] = str(failure.retry_after)
    return Response(error_body(failure.code, failure.message, failure.field),
                    status_code=failure.status, headers=headers)


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` says "busy or unreachable, try again" (throttling, a timeout, a
    refused or dropped connection), never "your request is wrong"; logs which it was."""
    reason = retry_reason(exc)
    if reason:
        log.warning("AWS busy or unreachable: %s", reason)
    return reason is not None
