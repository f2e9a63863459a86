"""Shared fixtures: a migrated test database, a rolled-back transaction per test, an HTTP client.

The application under test is built by `create_app` with settings aimed at the test database
and runs its real lifespan, so it has its own engine, session factory{% if cookiecutter.auth == "jwt" %}, password hasher{% endif %} and
rate limiter, as in production. Every test runs inside one transaction that is rolled back at
the end: the app's session factory is bound to that transaction's connection, so the
request's own COMMIT (in the real `get_db`) becomes a savepoint release inside it.
"""

import io
import json
import logging
import os
{%- if cookiecutter.background_jobs == "arq" %}
import secrets
{%- endif %}
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from src.config import Settings, get_settings
from src.database import create_engine
from src.database_setup import DatabaseUnavailableError
from src.logging_config import configure_logging
from src.main import create_app
from src.tests.database import (
    database_url_for_tests,
    drop_database,
    prepare_test_database,
    settings_to_fix,
)
{%- if cookiecutter.auth == "jwt" %}
from src.tests.factories import auth_headers, create_user
{%- endif %}
{%- if cookiecutter.background_jobs == "arq" %}
from src.tests.jobs.isolation import forget_queue
{%- endif %}

TEST_ENVIRONMENT = {
{%- if cookiecutter.auth == "jwt" %}
    # Argon2 at production cost would dominate the run; the algorithm and paths stay the same.
    "PASSWORD_HASH_TIME_COST": "1",
    "PASSWORD_HASH_MEMORY_KIB": "8",
    "PASSWORD_HASH_PARALLELISM": "1",
    # Tests sign in many times from one address; the limits have tests of their own.
    "RATE_LIMIT_LOGIN_PER_ADDRESS": "10000/minute",
    "RATE_LIMIT_LOGIN_PER_ACCOUNT": "10000/minute",
{%- endif %}
    "RATE_LIMIT_SIGNUP_PER_ADDRESS": "10000/minute",
{%- if cookiecutter.background_jobs == "arq" %}
    # A job queue and rate-limit keys of this run's own (see src/tests/jobs/isolation.py).
    "REDIS_PREFIX": f"{{ cookiecutter.project_slug }}:tests:{secrets.token_hex(8)}",
{%- endif %}
}
# Text on top of bytes, as stdout is: JSON events are written to the buffer directly.
LOG_STREAM = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)

type LogReader = Callable[[], list[dict[str, Any]]]
type Serve = Callable[[FastAPI], AbstractAsyncContextManager[AsyncClient]]
type AppWith = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture(scope="session", autouse=True)
def settings() -> Iterator[Settings]:
    """Test settings: cheap hashing, loose limits, JSON logs captured in memory."""
    saved = {key: os.environ.get(key) for key in TEST_ENVIRONMENT}
    os.environ.update(TEST_ENVIRONMENT)
    get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.model_copy(update={"LOG_JSON": True}), stream=LOG_STREAM)
    # The test client's own "HTTP Request" lines are not the application's logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    yield settings
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def database_url(settings: Settings) -> URL:
    """The URL of this run's test database (one per xdist worker)."""
    return database_url_for_tests(settings)


@pytest.fixture(scope="session")
def test_settings(settings: Settings, database_url: URL) -> Settings:
    """The test settings, with the application's database being the test database."""
    url = SecretStr(database_url.render_as_string(hide_password=False))
    return settings.model_copy(update={"DATABASE_URL": url})


@pytest.fixture
def production_settings(test_settings: Settings) -> Settings:
    """Settings that pass the production checks."""
    return Settings(
        _env_file=None,
        ENVIRONMENT="production",
        DEBUG=False,
        DATABASE_URL=test_settings.DATABASE_URL,
{%- if cookiecutter.auth == "jwt" %}
        SECRET_KEY=SecretStr("k" * 48),
{%- endif %}
    )


@pytest.fixture(scope="session")
async def engine(database_url: URL, test_settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The test database's engine, made as the app makes its own; the schema is up to date."""
    try:
        await prepare_test_database(database_url, setting=settings_to_fix(test_settings))
    except DatabaseUnavailableError as exc:
        pytest.exit(str(exc), returncode=3)
    engine = create_engine(test_settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def unused_database_url(database_url: URL, engine: AsyncEngine) -> AsyncIterator[URL]:
    """The URL of a database that does not exist yet on the test server, dropped afterwards."""
    url = database_url.set(database=f"{database_url.database}_scratch")
    await drop_database(url)
    yield url
    await drop_database(url)


@asynccontextmanager
async def running(application: FastAPI) -> AsyncIterator[FastAPI]:
    """Run an application's lifespan around a block, as a server would."""
    async with application.router.lifespan_context(application):
        yield application


@asynccontextmanager
async def http_client(
    application: FastAPI, address: str = "127.0.0.1"
) -> AsyncIterator[AsyncClient]:
    """Talk HTTP to `application` in process, from a socket at `address`."""
    transport = ASGITransport(app=application, client=(address, 50000))
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def join_transaction(
    application: FastAPI, connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bind the running application's sessions to the test's connection, as savepoints."""
    database = application.state.database
    # Read-only sessions too: a GET must see what the test wrote (its rows are uncommitted).
    for sessions in (database.sessions, database.read_sessions):
        monkeypatch.setitem(sessions.kw, "bind", connection)
        monkeypatch.setitem(sessions.kw, "join_transaction_mode", "create_savepoint")


@pytest.fixture(scope="session")
async def app(test_settings: Settings, engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    """The application under test, its lifespan running for the whole session."""
    async with running(create_app(test_settings)) as application:
        yield application


{%- if cookiecutter.background_jobs == "arq" %}


@pytest.fixture(scope="session", autouse=True)
async def forget_redis_keys(app: FastAPI, test_settings: Settings) -> AsyncIterator[None]:
    """Once the run is over, delete every key it left in Redis (and only those)."""
    yield
    await forget_queue(app.state.job_queue.redis, test_settings.job_queue_name)
    await app.state.rate_limiter.storage.reset()
{%- endif %}


@pytest.fixture
async def connection(
    engine: AsyncEngine, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction rolled back after the test, which the app's sessions join."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        join_transaction(app, connection, monkeypatch)
        yield connection
        await transaction.rollback()


@pytest.fixture
async def client(app: FastAPI, connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    """An HTTP client for the application, inside the test's rolled-back transaction."""
    await app.state.rate_limiter.storage.reset()  # Every test starts with no attempts counted.
    async with http_client(app) as client:
        yield client


{% if cookiecutter.auth == "jwt" -%}
@pytest.fixture
async def me(client: AsyncClient) -> dict[str, Any]:
    """An ordinary user, the one making a test's requests."""
    return await create_user(client)


@pytest.fixture
async def headers(client: AsyncClient, me: dict[str, Any]) -> dict[str, str]:
    """The Authorization header that acts as `me`."""
    return await auth_headers(client, me["email"])


{% endif -%}
@pytest.fixture
def serve(connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch) -> Serve:
    """Run a test's own application (lifespan included) inside the test's transaction."""

    @asynccontextmanager
    async def serving(application: FastAPI) -> AsyncIterator[AsyncClient]:
        async with running(application):
            join_transaction(application, connection, monkeypatch)
            await application.state.rate_limiter.storage.reset()  # No attempts counted yet.
            async with http_client(application) as client:
                yield client

    return serving


@pytest.fixture
def app_with(
    test_settings: Settings, connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> AppWith:
    """Run the application with some settings changed, inside the test's transaction."""

    @asynccontextmanager
    async def running_with(**changes: object) -> AsyncIterator[FastAPI]:
        async with running(create_app(test_settings.model_copy(update=changes))) as application:
            join_transaction(application, connection, monkeypatch)
            await application.state.rate_limiter.storage.reset()  # No attempts counted yet.
            yield application

    return running_with


@pytest.fixture
def logs() -> LogReader:
    """Read the JSON log lines written since the test started."""
    written = LOG_STREAM.buffer
    assert isinstance(written, io.BytesIO)
    written.seek(0)
    written.truncate()

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in written.getvalue().splitlines()]

    return read
