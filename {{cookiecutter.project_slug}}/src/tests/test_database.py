"""Safe methods read without a transaction; any other request is one unit of work."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import ConnectionPoolEntry

from src.api.deps import UserServiceDep
from src.config import Settings
from src.database import DbSession
from src.main import create_app
from src.repositories.base import ReadOnlySessionError, Repository, UnsafeReleaseError
from src.schemas.user import UserCreate
from src.tests.conftest import LogReader, Serve, http_client, running
from src.tests.factories import user_body
from src.tests.problems import assert_problem


def app_with_failing_writes(settings: Settings) -> FastAPI:
    """An application with extra routes whose writes must not be kept."""
    app = create_app(settings)

    async def create_then_crash(users: UserServiceDep) -> None:
        await users.create(UserCreate.model_validate(user_body(email="ghost@example.com")))
        msg = "crash after the write"
        raise RuntimeError(msg)

    async def write_that_fails_at_commit(session: DbSession) -> dict[str, bool]:
        # A deferred unique constraint is checked by COMMIT, after the handler has returned.
        await session.execute(
            text(
                "CREATE TEMP TABLE deferred_check (x int UNIQUE DEFERRABLE INITIALLY DEFERRED)"
                " ON COMMIT DROP"
            )
        )
        await session.execute(text("INSERT INTO deferred_check VALUES (1), (1)"))
        return {"written": True}

    async def release_after_a_write(session: DbSession) -> None:
        await session.execute(text("CREATE TEMP TABLE written (x int) ON COMMIT DROP"))
        await Repository(session).release_connection()

    app.add_api_route("/create-then-crash", create_then_crash, methods=["POST"])
    app.add_api_route("/create-on-get", create_then_crash, methods=["GET"])
    app.add_api_route("/fails-at-commit", write_that_fails_at_commit, methods=["POST"])
    app.add_api_route("/release-after-a-write", release_after_a_write, methods=["POST"])
    return app


def statements_sent(app: FastAPI) -> list[str]:
    """Record what the app sends on connections it opens from now on, BEGIN and COMMIT too."""
    sent: list[str] = []
    engine = app.state.database.engine.sync_engine

    def record(logged: Any) -> None:
        sent.append(logged.query)  # asyncpg logs the statements it sends as text: BEGIN, COMMIT

    def log_connection(_: object, entry: ConnectionPoolEntry) -> None:
        assert entry.driver_connection is not None
        entry.driver_connection.add_query_logger(record)

    def log_statement(*args: Any) -> None:
        sent.append(args[2])  # the statements SQLAlchemy sends as prepared ones

    event.listen(engine, "connect", log_connection)
    event.listen(engine, "before_cursor_execute", log_statement)
    return sent


def transaction_control(statements: list[str]) -> list[str]:
    """Keep the first word of the statements that begin or end a transaction."""
    words = [statement.split()[0].rstrip(";").upper() for statement in statements]
    return [word for word in words if word in {"BEGIN", "COMMIT", "ROLLBACK"}]


@pytest.fixture
async def watched(test_settings: Settings) -> AsyncIterator[tuple[AsyncClient, list[str]]]:
    """A client of the app on its real sessions, and what the app sends to PostgreSQL."""
    app = app_with_failing_writes(test_settings)
    async with running(app), http_client(app) as client:
        sent = statements_sent(app)
        await client.get("/health/ready")  # Opens the pooled connection; its set-up is not ours.
        sent.clear()
        yield client, sent


async def test_a_safe_method_reads_without_a_transaction(
    watched: tuple[AsyncClient, list[str]],
) -> None:
    client, sent = watched
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert sent == ["SELECT 1"]


async def test_a_write_is_one_transaction(watched: tuple[AsyncClient, list[str]]) -> None:
    client, sent = watched
    response = await client.post("/fails-at-commit")

    assert_problem(response, 500)
    assert transaction_control(sent) == ["BEGIN", "COMMIT"]


async def test_a_safe_method_cannot_write(
    connection: AsyncConnection, serve: Serve, test_settings: Settings, logs: LogReader
) -> None:
    async with serve(app_with_failing_writes(test_settings)) as client:
        response = await client.get("/create-on-get")

    ghosts = await connection.scalar(
        text("SELECT count(*) FROM users WHERE email = 'ghost@example.com'")
    )
    assert_problem(response, 500)
    assert ghosts == 0
    [error] = [line for line in logs() if line["event"] == "unhandled_exception"]
    assert ReadOnlySessionError.__name__ in error["exception"]


async def test_an_error_rolls_the_request_back(
    connection: AsyncConnection, serve: Serve, test_settings: Settings
) -> None:
    async with serve(app_with_failing_writes(test_settings)) as client:
        response = await client.post("/create-then-crash")

    ghosts = await connection.scalar(
        text("SELECT count(*) FROM users WHERE email = 'ghost@example.com'")
    )
    assert response.status_code == 500
    assert ghosts == 0


async def test_a_failed_commit_is_never_answered_with_success(test_settings: Settings) -> None:
    # The application's real unit of work on the test database, COMMIT included.
    app = app_with_failing_writes(test_settings)
    async with running(app), http_client(app) as client:
        response = await client.post("/fails-at-commit")

    assert_problem(response, 500)


async def test_releasing_the_connection_after_a_write_is_refused(
    serve: Serve, test_settings: Settings, logs: LogReader
) -> None:
    async with serve(app_with_failing_writes(test_settings)) as client:
        response = await client.post("/release-after-a-write")

    assert_problem(response, 500)
    [error] = [line for line in logs() if line["event"] == "unhandled_exception"]
    assert UnsafeReleaseError.__name__ in error["exception"]


@pytest.fixture
async def tiny_pool_app(test_settings: Settings) -> AsyncIterator[FastAPI]:
    """The application with one pooled connection and a tenth of a second to wait for it."""
    settings = test_settings.model_copy(update={"DB_POOL_SIZE": 1, "DB_POOL_TIMEOUT_SECONDS": 0.1})
    async with running(create_app(settings)) as app:
        yield app


async def test_an_exhausted_pool_is_a_503_with_retry_after(tiny_pool_app: FastAPI) -> None:
    async with tiny_pool_app.state.database.engine.connect(), http_client(tiny_pool_app) as client:
        response = await client.post("/api/v1/users", json=user_body())

    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "1"
    assert body["detail"] == "Every database connection is in use; retry shortly."


async def test_an_unreachable_database_is_a_503_with_retry_after(test_settings: Settings) -> None:
    # Port 1 on localhost refuses connections at once.
    unreachable = SecretStr("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    app = create_app(test_settings.model_copy(update={"DATABASE_URL": unreachable}))
    async with running(app), http_client(app) as client:
        response = await client.post("/api/v1/users", json=user_body())

    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "1"
    assert body["detail"] == "The database cannot be reached right now; retry shortly."
