"""The RFC 9457 problem document, for the OpenAPI description of error responses."""

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from starlette.status import HTTP_422_UNPROCESSABLE_CONTENT


class Problem(BaseModel):
    """An error response (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None


class FieldError(BaseModel):
    """One reason a request failed validation."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    """A 422 problem listing every invalid field."""

    errors: list[FieldError]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document error statuses for a router or route, with the problem schema."""
    return {
        status: {
            "model": ValidationProblem if status == HTTP_422_UNPROCESSABLE_CONTENT else Problem,
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }
