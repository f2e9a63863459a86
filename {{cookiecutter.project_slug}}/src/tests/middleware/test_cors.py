"""Cross-origin requests: only the configured origins, and refusals as problem+json."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from src.config import Settings
from src.main import create_app
from src.tests.conftest import http_client
from src.tests.problems import assert_problem

ALLOWED = "https://app.example"
EVIL = "https://evil.example"


def cors_app(settings: Settings, *, credentials: bool = False) -> FastAPI:
    """The application allowing ALLOWED, with or without credentials."""
    return create_app(
        settings.model_copy(
            update={"CORS_ORIGINS": [ALLOWED], "CORS_ALLOW_CREDENTIALS": credentials}
        )
    )


@pytest.fixture
async def cors_client(test_settings: Settings) -> AsyncIterator[AsyncClient]:
    """A client of the application allowing ALLOWED without credentials."""
    async with http_client(cors_app(test_settings)) as client:
        yield client


async def preflight(client: AsyncClient, origin: str) -> dict[str, str]:
    """Send a CORS preflight for POST /api/v1/items from `origin`; return the headers."""
    response = await client.options(
        "/api/v1/items", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    return dict(response.headers)


async def test_configured_origin_passes_the_preflight(cors_client: AsyncClient) -> None:
    headers = await preflight(cors_client, ALLOWED)

    assert headers["access-control-allow-origin"] == ALLOWED


async def test_a_refused_preflight_is_a_400_problem(cors_client: AsyncClient) -> None:
    response = await cors_client.options(
        "/api/v1/items", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
    )

    body = assert_problem(response, 400)
    assert body["detail"] == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in response.headers


async def test_a_simple_request_from_the_origin_may_read_the_answer(
    cors_client: AsyncClient,
) -> None:
    response = await cors_client.get("/health/live", headers={"Origin": ALLOWED})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-expose-headers"] == "X-Request-ID"
    assert "access-control-allow-credentials" not in response.headers


async def test_a_simple_request_from_another_origin_gets_no_allow_header(
    cors_client: AsyncClient,
) -> None:
    response = await cors_client.get("/health/live", headers={"Origin": EVIL})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_credentials_are_allowed_only_when_configured(test_settings: Settings) -> None:
    async with http_client(cors_app(test_settings, credentials=True)) as client:
        response = await client.get("/health/live", headers={"Origin": ALLOWED})

    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
