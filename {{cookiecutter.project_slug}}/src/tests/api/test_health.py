"""Liveness and readiness probes."""

from httpx import AsyncClient
from pydantic import SecretStr

from src.config import Settings
from src.main import create_app
from src.tests.conftest import http_client, running


async def test_live_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_ready_when_the_database_answers(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


async def test_not_ready_when_the_database_is_unreachable(test_settings: Settings) -> None:
    # The app's own settings decide its database; port 1 on localhost refuses at once.
    unreachable = SecretStr("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    app = create_app(test_settings.model_copy(update={"DATABASE_URL": unreachable}))

    async with running(app), http_client(app) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Cannot reach the database."
