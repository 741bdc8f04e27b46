"""The domain's few exception classes; ``api/`` maps each to one HTTP status.

``code`` is the contract's snake_case error code (docs/api.md), e.g. ``slot_taken``.
"""


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    default_code = "error"

    def __init__(self, message: str, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field


class Invalid(DomainError):
    """Malformed input (400)."""

    default_code = "bad_request"


class Unauthorized(DomainError):
    """No or invalid credentials (401)."""

    default_code = "unauthorized"


class Forbidden(DomainError):
    """Authenticated, but the role may not do this (403)."""

    default_code = "forbidden"


class NotFound(DomainError):
    """Unknown id, or another case's data (404)."""

    default_code = "not_found"


class Conflict(DomainError):
    """The state changed under the request, e.g. ``slot_taken`` (409)."""

    default_code = "conflict"


class Gone(DomainError):
    """An expired or revoked link (410)."""

    default_code = "link_gone"


class Rejected(DomainError):
    """Valid input that a rule forbids, e.g. ``holiday`` or ``weekly_limit`` (422)."""

    default_code = "rejected"


class Unavailable(DomainError):
    """A dependency is overloaded; the client should retry (503 with Retry-After)."""

    default_code = "unavailable"


class TooMany(DomainError):
    """Too many requests for now (429); ``retry_after`` is in whole seconds."""

    default_code = "too_many_requests"

    def __init__(self, message: str, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))
