"""Rate limits counted in Redis: every replica counts together; no Redis, no free pass."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from redis.asyncio import ConnectionPool

from src.config import Settings
from src.rate_limits import STORE_UNREACHABLE, RateLimiter, create_storage
from src.tests.conftest import AppWith, http_client
from src.tests.factories import user_body
from src.tests.problems import assert_problem

USERS = "/api/v1/users"


@pytest.fixture
async def redis_down(
    app: FastAPI, test_settings: Settings, client: AsyncClient
) -> AsyncIterator[None]:
    """The application's rate limiter on a port where no Redis listens (once `client` reset it)."""
    dead = ConnectionPool.from_url("redis://127.0.0.1:1/0")
    original = app.state.rate_limiter
    app.state.rate_limiter = RateLimiter(test_settings, create_storage(test_settings, dead))
    yield
    app.state.rate_limiter = original
    await dead.disconnect()


async def test_replicas_count_together(app_with: AppWith) -> None:
    async with (
        app_with(RATE_LIMIT_SIGNUP_PER_ADDRESS="1/minute") as first_replica,
        app_with(RATE_LIMIT_SIGNUP_PER_ADDRESS="1/minute") as second_replica,
        http_client(first_replica) as first,
        http_client(second_replica) as second,
    ):
        allowed = await first.post(USERS, json=user_body())
        response = await second.post(USERS, json=user_body())

    assert allowed.status_code == 201
    assert_problem(response, 429)


async def test_the_counts_live_under_the_service_prefix(
    app_with: AppWith, test_settings: Settings
) -> None:
    async with app_with() as replica, http_client(replica) as client:
        await client.post(USERS, json=user_body())
        redis = replica.state.job_queue.redis
        keys = [key async for key in redis.scan_iter(f"{test_settings.REDIS_PREFIX}:limits:*")]

    assert keys != []


@pytest.mark.usefixtures("redis_down")
async def test_without_redis_sign_up_is_503_not_unlimited(client: AsyncClient) -> None:
    response = await client.post(USERS, json=user_body())

    body = assert_problem(response, 503)
    assert body["detail"] == STORE_UNREACHABLE
