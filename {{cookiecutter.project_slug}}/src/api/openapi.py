"""The OpenAPI document, corrected to describe the error responses the service really sends."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from src.problems import PROBLEM_MEDIA_TYPE
from src.schemas.problem import Problem


def operation_id(route: APIRoute) -> str:
    """Name an operation `{tag}-{function}` (`users-create_user`), as generated clients read it."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def _problem_media_type(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document error responses as application/problem+json, which is what they are."""
    for operation in (op for path in openapi.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status[0] in "45" and "application/json" in content:
                content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return openapi


def _body_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document what any request body may get: 400 (cannot be decoded), 413 (too large)."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema())
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operation in (op for path in openapi.get("paths", {}).values() for op in path.values()):
        if "requestBody" in operation:
            responses = operation["responses"]
            responses.setdefault("400", {"description": "The body cannot be decoded."})
            responses.setdefault("413", {"description": "The body is larger than allowed."})
            for status in ("400", "413"):
                responses[status].setdefault("content", content)
    return openapi


def document_problems(app: FastAPI) -> None:
    """Make `app.openapi()` document every error as the problem+json it is."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _body_responses(_problem_media_type(build_openapi()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
