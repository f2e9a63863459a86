"""Shared fixtures: a migrated test database, a rolled-back transaction per test, an HTTP client.

Every test runs inside one transaction on the test database that is rolled back at the end;
the application's own commits become savepoints inside it, so tests never see each other's
rows and the development database is never touched.
"""

import io
import json
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
{%- if cookiecutter.auth == "jwt" %}
from pydantic import SecretStr
{%- endif %}
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from src import passwords
from src.config import Settings, get_settings
from src.database import SessionFactory
from src.database_setup import DatabaseUnavailableError, create_database_if_missing
from src.logging_config import configure_logging
from src.main import app
from src.tests.database import (
    database_url_for_tests,
    drop_database,
    is_at_head,
    migrate,
    settings_to_fix,
)

# Argon2 at production cost would dominate the run; the algorithm and code paths stay the same.
CHEAP_HASHING = {
    "PASSWORD_HASH_TIME_COST": "1",
    "PASSWORD_HASH_MEMORY_KIB": "8",
    "PASSWORD_HASH_PARALLELISM": "1",
}
# Text on top of bytes, as stdout is: JSON events are written to the buffer directly.
LOG_STREAM = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)

type LogReader = Callable[[], list[dict[str, Any]]]


@pytest.fixture(scope="session", autouse=True)
def settings() -> Iterator[Settings]:
    """Test settings: cheap hashing, JSON logs captured in memory, caches reset around them."""
    saved = {key: os.environ.get(key) for key in CHEAP_HASHING}
    os.environ.update(CHEAP_HASHING)
    get_settings.cache_clear()
    passwords.reset_hasher()
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
    passwords.reset_hasher()


@pytest.fixture
def production_settings(settings: Settings) -> Settings:
    """Settings that pass the production checks."""
    return Settings(
        _env_file=None,
        ENVIRONMENT="production",
        DEBUG=False,
        DATABASE_URL=settings.DATABASE_URL,
{%- if cookiecutter.auth == "jwt" %}
        SECRET_KEY=SecretStr("k" * 48),
{%- endif %}
    )


@pytest.fixture(scope="session")
def database_url(settings: Settings) -> URL:
    """The URL of this run's test database (one per xdist worker)."""
    return database_url_for_tests(settings)


@pytest.fixture(scope="session")
async def engine(settings: Settings, database_url: URL) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, created if missing and brought to head once per run."""
    try:
        await create_database_if_missing(database_url, settings_to_fix(settings))
    except DatabaseUnavailableError as exc:
        pytest.exit(str(exc), returncode=3)
    engine = create_async_engine(database_url)
    if not await is_at_head(engine, database_url):
        await migrate(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def unused_database_url(database_url: URL, engine: AsyncEngine) -> AsyncIterator[URL]:
    """The URL of a database that does not exist yet on the test server, dropped afterwards."""
    url = database_url.set(database=f"{database_url.database}_scratch")
    await drop_database(url)
    yield url
    await drop_database(url)


@pytest.fixture
async def connection(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction rolled back after the test, which the app's sessions join.

    The application keeps its real `get_db`; only the session factory is bound here, so the
    request's COMMIT becomes a savepoint release inside this transaction.
    """
    async with engine.connect() as connection:
        transaction = await connection.begin()
        monkeypatch.setitem(SessionFactory.kw, "bind", connection)
        monkeypatch.setitem(SessionFactory.kw, "join_transaction_mode", "create_savepoint")
        yield connection
        await transaction.rollback()


@asynccontextmanager
async def http_client(application: FastAPI) -> AsyncIterator[AsyncClient]:
    """Talk HTTP to `application` in process."""
    transport = ASGITransport(app=application)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def client(connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    """An HTTP client for the application, inside the test's rolled-back transaction."""
    async with http_client(app) as client:
        yield client


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
