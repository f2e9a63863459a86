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


def _unparsable_body_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document the 400 that FastAPI answers to a body it cannot decode (invalid UTF-8)."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema())
    bad_request = {
        "description": "The body cannot be decoded.",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operation in (op for path in openapi.get("paths", {}).values() for op in path.values()):
        if "requestBody" in operation:
            operation["responses"].setdefault("400", bad_request)
    return openapi


def document_problems(app: FastAPI) -> None:
    """Make `app.openapi()` document every error as the problem+json it is."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _unparsable_body_responses(_problem_media_type(build_openapi()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
