"""Which DynamoDB failures mean "busy or unreachable, try again" rather than "wrong".

Throttling and transaction conflicts come back as error codes; a paused or stopped
database as botocore connection errors (a refused connection, a connect or read
timeout, a dropped connection), which PynamoDB wraps in its own exceptions.
"""

from __future__ import annotations

RETRYABLE_AWS_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "InternalServerError",
    "ServiceUnavailable",
}


def retry_reason(exc: BaseException) -> str | None:
    """Why ``exc`` is worth retrying later (an AWS error code or a botocore error name),
    or None when it is not (a bug, bad data)."""
    code = aws_error_code(exc)
    if code in RETRYABLE_AWS_CODES:
        return code
    return _unreachable(exc)


def aws_error_code(exc: BaseException | None) -> str | None:
    """The AWS error code anywhere in ``exc``'s cause chain."""
    # PynamoDB wraps botocore's ClientError; walk the cause chain to find the code.
    while exc is not None:
        response = getattr(exc, "response", None)
        if isinstance(response, dict) and "Error" in response:
            return response["Error"].get("Code")
        code = getattr(exc, "cause_response_code", None)
        if code:
            return code
        exc = exc.__cause__ or exc.__context__
    return None


def _unreachable(exc: BaseException | None) -> str | None:
    # botocore's ConnectionError covers refused connections and connect timeouts,
    # HTTPClientError read timeouts and dropped connections.
    from botocore.exceptions import ConnectionError, HTTPClientError

    while exc is not None:
        if isinstance(exc, (ConnectionError, HTTPClientError)):
            return type(exc).__name__
        exc = exc.__cause__ or exc.__context__
    return None
