"""Domain errors raised by services and rendered as problem+json in one place.

Hierarchy:

* DomainError
  + NotFoundError             - the resource does not exist (or is not the caller's)
  + ConflictError             - the request clashes with existing state
  + AuthenticationError       - the caller could not be identified (401, WWW-Authenticate)
  + PermissionDeniedError     - the caller may not do this
  + TooManyRequestsError      - the caller went over a rate limit (429, Retry-After)
  + ServiceUnavailableError   - a dependency such as the database is unreachable
    + ServiceBusyError        - a bounded resource is exhausted for now (Retry-After)
"""

from collections.abc import Mapping
from http import HTTPStatus
from types import MappingProxyType
from typing import ClassVar

# A pool wait or a hashing queue drains within seconds; clients may come back after this.
BUSY_RETRY_AFTER_SECONDS = 1


class DomainError(Exception):
    """Base class: an expected failure with an HTTP status and a human-readable detail."""

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    headers: Mapping[str, str] = MappingProxyType({})

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    """The resource does not exist, or the caller may not know that it does."""

    status = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    """The request clashes with the current state, such as a taken email address."""

    status = HTTPStatus.CONFLICT


class AuthenticationError(DomainError):
    """The caller's credentials are missing, wrong, expired or revoked."""

    status = HTTPStatus.UNAUTHORIZED
    headers = MappingProxyType({"WWW-Authenticate": "Bearer"})


class PermissionDeniedError(DomainError):
    """The caller is known but may not perform this action."""

    status = HTTPStatus.FORBIDDEN


class TooManyRequestsError(DomainError):
    """The caller went over a rate limit; Retry-After says when the window reopens."""

    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.headers = MappingProxyType({"Retry-After": str(max(1, retry_after_seconds))})


class ServiceUnavailableError(DomainError):
    """A dependency the service needs, such as the database, cannot be reached."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


class ServiceBusyError(ServiceUnavailableError):
    """A bounded resource (the database pool, for one) is exhausted for now; retry shortly."""

    headers = MappingProxyType({"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
