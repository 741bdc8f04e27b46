"""The one place where errors become HTTP responses in the contract's shape.

``{"error": {"code": "<snake_case>", "message": "...", "field"?: "..."}}``
"""

from __future__ import annotations

import json
import logging

from chalice import Response

from chalicelib.domain import errors
from chalicelib.store.faults import aws_error_code, retry_reason

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


def error_response(error: errors.DomainError) -> Response:
    status = next(s for cls, s in STATUS.items() if isinstance(error, cls))
    headers = {"Content-Type": "application/json"}
    if status == 503:
        headers["Retry-After"] = "1"
    if isinstance(error, errors.TooMany):
        headers["Retry-After"] = str(error.retry_after)
    return Response(error_body(error.code, error.message, error.field), status_code=status,
                    headers=headers)


def unexpected_response(exc: Exception, path: str) -> Response:
    """Map an exception nobody raised on purpose: busy or unreachable AWS → 503 (with
    ``Retry-After``), the rest → 500."""
    if is_retryable(exc):
        return error_response(errors.Unavailable("the service is busy, try again"))
    code = aws_error_code(exc)
    # Only the exception type and path are logged: messages may quote user data.
    log.error("unhandled %s (%s) on %s", type(exc).__name__, code, path, exc_info=False)
    return Response(error_body("internal_error", "something went wrong on our side"),
                    status_code=500, headers={"Content-Type": "application/json"})


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` says "busy or unreachable, try again" (throttling, a timeout, a
    refused or dropped connection), never "your request is wrong"; logs which it was."""
    reason = retry_reason(exc)
    if reason:
        log.warning("AWS busy or unreachable: %s", reason)
    return reason is not None
