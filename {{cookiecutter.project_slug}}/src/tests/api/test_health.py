"""Liveness and readiness probes."""

from collections.abc import AsyncIterator

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from src.database import get_db
from src.main import app


async def test_live_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_ready_when_the_database_answers(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_not_ready_when_the_database_is_unreachable(client: AsyncClient) -> None:
    # Port 1 on localhost refuses connections at once.
    unreachable = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")

    async def session_on_unreachable_database() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(unreachable) as session:
            yield session

    app.dependency_overrides[get_db] = session_on_unreachable_database
    response = await client.get("/health/ready")
    await unreachable.dispose()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The database cannot be reached."
