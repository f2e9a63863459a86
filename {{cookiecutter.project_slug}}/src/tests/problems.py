"""Assertions about problem+json responses, shared by the API tests."""

from typing import Any

from httpx import Response

PROBLEM = "application/problem+json"


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    """Assert a problem+json response with this status and return its body."""
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def without_request_identity(response: Response) -> dict[str, Any]:
    """Return the problem body minus what differs between any two requests."""
    body: dict[str, Any] = response.json()
    return {key: value for key, value in body.items() if key not in {"request_id", "instance"}}
{%- if cookiecutter.auth == "jwt" %}


def assert_unauthorized(response: Response) -> None:
    """Assert a 401 problem that tells the client to send a bearer token."""
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
{%- endif %}
