"""The job queue on Redis: JSON jobs, and what the API answers when Redis is down or silent."""

import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import orjson
import pytest
from arq.connections import ArqRedis
from arq.constants import job_key_prefix
from fastapi import FastAPI
from httpx import AsyncClient
from pydantic import SecretStr, ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from src.config import Settings
from src.jobs.queue import UNREACHABLE, ArqJobQueue, connect
from src.tests.factories import user_body
from src.tests.problems import assert_problem

USERS = "/api/v1/users"


def queue_at(settings: Settings, url: str, timeout: float = 2.0) -> ArqJobQueue:
    """Return a job queue on another Redis URL."""
    changes = {"REDIS_URL": SecretStr(url), "REDIS_TIMEOUT_SECONDS": timeout}
    return ArqJobQueue(connect(settings.model_copy(update=changes)))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung Redis."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


@asynccontextmanager
async def job_queue_replaced(app: FastAPI, queue: ArqJobQueue) -> AsyncIterator[None]:
    """Make the application use `queue` for the block's duration."""
    original = app.state.job_queue
    app.state.job_queue = queue
    try:
        yield
    finally:
        app.state.job_queue = original
        await queue.close()


@pytest.fixture
async def redis_down(app: FastAPI, test_settings: Settings) -> AsyncIterator[None]:
    """The application's job queue on a port where nothing listens."""
    async with job_queue_replaced(app, queue_at(test_settings, "redis://127.0.0.1:1/0")):
        yield


@pytest.fixture
async def redis_silent(
    app: FastAPI, test_settings: Settings, silent_port: int
) -> AsyncIterator[None]:
    """The application's job queue on a Redis that never answers, with a 0.2 s timeout."""
    silent = queue_at(test_settings, f"redis://127.0.0.1:{silent_port}/0", timeout=0.2)
    async with job_queue_replaced(app, silent):
        yield


async def test_a_job_is_stored_as_json(client: AsyncClient, redis: ArqRedis) -> None:
    response = await client.post(USERS, json=user_body(), headers={"X-Request-ID": "j-1"})
    user_id = response.json()["data"]["id"]

    stored = await redis.get(f"{job_key_prefix}welcome:{user_id}")

    assert stored is not None
    assert orjson.loads(stored)["k"] == {"user_id": user_id, "request_id": "j-1"}


@pytest.mark.usefixtures("redis_down")
class TestRedisDown:
    async def test_readiness_is_503_naming_redis(self, client: AsyncClient) -> None:
        response = await client.get("/health/ready")

        body = assert_problem(response, 503)
        assert body["detail"] == "Cannot reach Redis."

    async def test_readiness_does_not_reveal_the_address(self, client: AsyncClient) -> None:
        response = await client.get("/health/ready")

        assert response.status_code == 503
        for leak in ("127.0.0.1", "redis://", "6379", "Connection"):
            assert leak not in response.text

    async def test_sign_up_is_503_with_a_clear_detail(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body())

        body = assert_problem(response, 503)
        assert body["detail"] == UNREACHABLE

    async def test_sign_up_keeps_no_user_without_its_job(
        self, client: AsyncClient, connection: AsyncConnection
    ) -> None:
        body = user_body()

        await client.post(USERS, json=body)

        query = text("SELECT count(*) FROM users WHERE email = :email")
        assert await connection.scalar(query, {"email": body["email"]}) == 0


@pytest.mark.usefixtures("redis_silent")
class TestRedisSilent:
    async def test_sign_up_gives_up_within_the_timeout(self, client: AsyncClient) -> None:
        started = time.perf_counter()
        response = await client.post(USERS, json=user_body())
        elapsed = time.perf_counter() - started

        assert_problem(response, 503)
        assert elapsed < 1.5

    async def test_readiness_gives_up_within_the_timeout(self, client: AsyncClient) -> None:
        started = time.perf_counter()
        response = await client.get("/health/ready")
        elapsed = time.perf_counter() - started

        body = assert_problem(response, 503)
        assert body["detail"] == "Cannot reach Redis."
        assert elapsed < 1.5


class TestSettings:
    def test_a_url_that_is_not_redis_is_refused(self, test_settings: Settings) -> None:
        values = test_settings.model_dump() | {"REDIS_URL": SecretStr("http://127.0.0.1")}

        with pytest.raises(ValidationError, match="must be a Redis URL"):
            Settings(_env_file=None, **values)

    def test_the_redis_password_stays_out_of_repr(self, test_settings: Settings) -> None:
        values = test_settings.model_dump() | {"REDIS_URL": SecretStr("redis://:pass-1@h:6379")}

        assert "pass-1" not in repr(Settings(_env_file=None, **values))
