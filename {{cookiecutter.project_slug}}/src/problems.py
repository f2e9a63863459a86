"""RFC 9457 problem+json: the one shape of every error response."""

import re
from collections.abc import Mapping
from http import HTTPStatus

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.status import HTTP_405_METHOD_NOT_ALLOWED, HTTP_422_UNPROCESSABLE_CONTENT
from starlette.types import Scope

from src.errors import DomainError

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_response(
    scope: Scope,
    status: int,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> Response:
    """Build a problem+json response for the request in `scope`."""
    document = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": scope.get("path", ""),
        "request_id": scope.get("state", {}).get("request_id"),
        **extra,
    }
    return Response(
        orjson.dumps(document),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def allowed_methods(app: FastAPI, path: str) -> str:
    """Return the `Allow` value for path: its methods in the OpenAPI document.

    As in OpenAPI, a concrete path (`/users/me`) is matched before a template (`/users/{id}`).
    """
    paths: dict[str, dict[str, object]] = app.openapi().get("paths", {})
    matching = [
        template
        for template in paths
        if re.fullmatch("[^/]+".join(map(re.escape, re.split(r"{[^}/]+}", template))), path)
    ]
    concrete = [template for template in matching if template == path]
    methods = {method.upper() for template in concrete or matching for method in paths[template]}
    if "GET" in methods:
        methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET.
    return ", ".join(sorted(methods))


def register_exception_handlers(app: FastAPI) -> None:
    """Render every expected error as problem+json (unexpected ones: see the middleware)."""

    @app.exception_handler(DomainError)
    async def render_domain_error(request: Request, exc: DomainError) -> Response:
        """Render a domain error with the status its class carries."""
        return problem_response(request.scope, exc.status, exc.detail, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def render_http_exception(request: Request, exc: HTTPException) -> Response:
        """Render HTTPException (routing 404/405, 401 from auth) as a problem."""
        headers = exc.headers
        if exc.status_code == HTTP_405_METHOD_NOT_ALLOWED:
            # Starlette lists the methods of the first route whose path matches, not all of them.
            headers = {**(headers or {}), "Allow": allowed_methods(app, request.scope["path"])}
        return problem_response(request.scope, exc.status_code, exc.detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def render_validation_error(request: Request, exc: RequestValidationError) -> Response:
        """Render validation errors without echoing the submitted input (it may hold secrets)."""
        errors = [
            {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
            for error in exc.errors()
        ]
        return problem_response(
            request.scope,
            HTTP_422_UNPROCESSABLE_CONTENT,
            "The request is not valid; see `errors`.",
            errors=errors,
        )
