"""Liveness and readiness probes."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import create_async_engine

from src.database import SessionFactory


async def test_live_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_ready_when_the_database_answers(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_not_ready_when_the_database_is_unreachable(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on localhost refuses connections at once.
    unreachable = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    monkeypatch.setitem(SessionFactory.kw, "bind", unreachable)

    response = await client.get("/health/ready")
    await unreachable.dispose()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The database cannot be reached."
