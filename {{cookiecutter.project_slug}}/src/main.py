"""The FastAPI application: settings, logging, middleware, routers and error handlers."""

import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from src.api.openapi import document_problems, operation_id
from src.api.routes import all_routes
from src.config import Settings, get_settings
from src.database import engine
from src.logging_config import configure_logging
from src.middleware.request_context import RequestContextMiddleware
from src.middleware.security_headers import SecurityHeadersMiddleware
from src.passwords import dummy_hash
from src.problems import register_exception_handlers

log = structlog.get_logger()

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def project_metadata() -> dict[str, str]:
    """Return the `[project]` table of pyproject.toml: description and version live there."""
    project: dict[str, str] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    return project


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Warm up before the first request; release every database connection on shutdown."""
    # Computed now so the first failed login costs no more than later ones.
    dummy_hash()
    log.info("application_started")
    yield
    await engine.dispose()
    log.info("application_stopped")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for the given (or the process-wide) settings."""
    settings = settings or get_settings()
    project = project_metadata()
    docs = not settings.is_production
    app = FastAPI(
        title="{{ cookiecutter.project_name | replace('\\', '\\\\') | replace('"', '\\u0022') }}",
        description=project["description"],
        version=project["version"],
        debug=settings.DEBUG,
        lifespan=lifespan,
        routes=all_routes(),
        generate_unique_id_function=operation_id,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    register_exception_handlers(app)

    # Added innermost first: the request context wraps CORS, security headers wrap both.
    if settings.CORS_ORIGINS:  # Without origins CORS would only parse headers to add none.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.CORS_ORIGINS,
            allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)

    document_problems(app)
    return app


configure_logging(get_settings())
app = create_app()
