"""The FastAPI application: settings, logging, middleware, routers and error handlers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from src import __version__
from src.api.openapi import document_problems, operation_id
from src.api.routes import all_routes
from src.config import Settings, get_settings, load_settings
from src.database import Database
{%- if cookiecutter.background_jobs == "arq" %}
from src.jobs.queue import ArqJobQueue, connect
{%- endif %}
from src.logging_config import configure_logging
from src.middleware.body_limit import BodyLimitMiddleware
from src.middleware.cors import ProblemCORSMiddleware
from src.middleware.request_context import RequestContextMiddleware
from src.middleware.security_headers import SecurityHeadersMiddleware
{%- if cookiecutter.auth == "jwt" %}
from src.passwords import PasswordHasher
{%- endif %}
from src.problems import register_exception_handlers
from src.rate_limits import RateLimiter, create_storage

log = structlog.get_logger()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build what the app's settings call for; release it all on shutdown."""
    settings: Settings = app.state.settings
    app.state.database = Database(settings)
{%- if cookiecutter.background_jobs == "arq" %}
    app.state.job_queue = ArqJobQueue(connect(settings))
    # One pool of Redis connections for the queue and the counts, closed with the queue.
    redis = app.state.job_queue.redis.connection_pool
    app.state.rate_limiter = RateLimiter(settings, create_storage(settings, redis))
{%- else %}
    app.state.rate_limiter = RateLimiter(settings, create_storage(settings))
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}
    app.state.password_hasher = PasswordHasher(settings)
{%- endif %}
    log.info("application_started")
    try:
        yield
    finally:
{%- if cookiecutter.auth == "jwt" %}
        app.state.password_hasher.shutdown()
{%- endif %}
        await app.state.database.dispose()
{%- if cookiecutter.background_jobs == "arq" %}
        await app.state.job_queue.close()
{%- endif %}
        log.info("application_stopped")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for the given (or the process-wide) settings."""
    settings = settings or get_settings()
    docs = not settings.is_production
    app = FastAPI(
        title="{{ cookiecutter.project_name | replace('\\', '\\\\') | replace('"', '\\u0022') }}",
        description="{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\u0022') }}",
        version=__version__,
        debug=settings.DEBUG,
        lifespan=lifespan,
        routes=all_routes(),
        generate_unique_id_function=operation_id,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    register_exception_handlers(app)
    add_middleware(app, settings)
    document_problems(app)
    return app


def add_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the middleware stack; the last one added runs first."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.MAX_REQUEST_BODY_BYTES)
    if settings.CORS_ORIGINS:  # Without origins CORS would only parse headers to add none.
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.CORS_ORIGINS,
            allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    if settings.FORWARDED_ALLOW_IPS:
        # The client address of trusted proxies' requests becomes the one they forwarded for.
        # Run uvicorn with --no-proxy-headers, so this setting is the only one that decides.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.FORWARDED_ALLOW_IPS)


configure_logging(load_settings())
app = create_app()
