"""One unit of work per request: committed before the response, rolled back on error."""

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from src.api.deps import UserServiceDep
from src.database import DbSession, SessionFactory
from src.main import create_app
from src.schemas.user import UserCreate
from src.tests.conftest import http_client


def app_with_failing_writes() -> FastAPI:
    """An application with two extra routes whose writes must not be kept."""
    app = create_app()

    async def create_then_crash(users: UserServiceDep) -> None:
        await users.create(
            UserCreate(email="ghost@example.com", display_name="Ghost", password="long enough")
        )
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

    app.add_api_route("/create-then-crash", create_then_crash, methods=["POST"])
    app.add_api_route("/fails-at-commit", write_that_fails_at_commit, methods=["POST"])
    return app


async def test_an_error_rolls_the_request_back(connection: AsyncConnection) -> None:
    async with http_client(app_with_failing_writes()) as client:
        response = await client.post("/create-then-crash")

    ghosts = await connection.scalar(
        text("SELECT count(*) FROM users WHERE email = 'ghost@example.com'")
    )
    assert response.status_code == 500
    assert ghosts == 0


@pytest.fixture
def real_unit_of_work(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the application's own session factory at the test database, COMMIT included."""
    monkeypatch.setitem(SessionFactory.kw, "bind", engine)


@pytest.mark.usefixtures("real_unit_of_work")
async def test_a_failed_commit_is_never_answered_with_success() -> None:
    async with http_client(app_with_failing_writes()) as client:
        response = await client.post("/fails-at-commit")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
