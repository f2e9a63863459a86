"""Password hashing: bounded, and never while the request holds a database connection."""

import asyncio
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from src.config import Settings
from src.main import create_app
from src.passwords import PasswordHasher
from src.tests.conftest import AppWith, http_client, running
from src.tests.factories import DEFAULT_PASSWORD, user_body
from src.tests.problems import assert_problem

USERS = "/api/v1/users"
TOKEN = "/api/v1/auth/token"
# Users these tests commit for real carry this domain, and are deleted afterwards.
COMMITTED = "committed.test"

type Committing = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def committing(test_settings: Settings, engine: AsyncEngine) -> Committing:
    """Run the application with changed settings and its real unit of work (commits kept).

    Needed where the pool itself is under test; the rows are deleted at the end.
    """

    @asynccontextmanager
    async def committing_app(**changes: object) -> AsyncIterator[FastAPI]:
        try:
            async with running(create_app(test_settings.model_copy(update=changes))) as app:
                yield app
        finally:
            async with engine.begin() as connection:
                await connection.execute(
                    text("DELETE FROM users WHERE email LIKE :pattern"),
                    {"pattern": f"%@{COMMITTED}"},
                )

    return committing_app


def committed_email() -> str:
    """Return a fresh address in the domain that is cleaned up."""
    return f"{secrets.token_hex(6)}@{COMMITTED}"


async def test_a_full_hashing_queue_is_a_503_at_once(
    app_with: AppWith, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_with(PASSWORD_HASH_THREADS=1, PASSWORD_HASH_QUEUE=0) as app:
        hasher: PasswordHasher = app.state.password_hasher
        started, release = threading.Event(), threading.Event()
        real_hash = hasher.algorithm.hash

        def held_hash(password: str | bytes, *, salt: bytes | None = None) -> str:
            started.set()
            release.wait(timeout=10)
            return real_hash(password, salt=salt)

        monkeypatch.setattr(hasher.algorithm, "hash", held_hash)
        async with http_client(app) as client:
            first = asyncio.create_task(client.post(USERS, json=user_body()))
            await asyncio.to_thread(started.wait, 10)
            refused = await client.post(USERS, json=user_body())
            release.set()
            served = await first

    body = assert_problem(refused, 503)
    assert refused.headers["retry-after"] == "1"
    assert body["detail"] == "Too many sign-ins are being checked right now; retry shortly."
    assert served.status_code == 201


async def test_a_sign_in_past_the_bound_is_refused_before_any_database_read(
    app_with: AppWith, connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))  # (connection, cursor, statement, ...)

    async with app_with() as app:
        hasher: PasswordHasher = app.state.password_hasher
        monkeypatch.setattr(hasher, "in_flight", hasher.capacity)  # Every slot is taken.
        event.listen(connection.sync_connection, "before_cursor_execute", record)
        async with http_client(app) as client:
            response = await client.post(TOKEN, data={"username": "a@b.example", "password": "x"})
        event.remove(connection.sync_connection, "before_cursor_execute", record)

    assert_problem(response, 503)
    assert statements == []


async def test_no_connection_is_checked_out_while_hashing(
    committing: Committing, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with committing(DB_POOL_SIZE=1) as app:
        hasher: PasswordHasher = app.state.password_hasher
        pool = app.state.database.engine.pool
        checked_out: list[int] = []
        real_hash, real_verify = hasher.algorithm.hash, hasher.algorithm.verify

        def observed_hash(password: str | bytes, *, salt: bytes | None = None) -> str:
            checked_out.append(pool.checkedout())
            return real_hash(password, salt=salt)

        def observed_verify(password: str | bytes, hashed: str | bytes) -> bool:
            checked_out.append(pool.checkedout())
            return real_verify(password, hashed)

        monkeypatch.setattr(hasher.algorithm, "hash", observed_hash)
        monkeypatch.setattr(hasher.algorithm, "verify", observed_verify)
        email = committed_email()
        async with http_client(app) as client:
            user = (await client.post(USERS, json=user_body(email=email))).json()["data"]
            login = await client.post(TOKEN, data={"username": email, "password": DEFAULT_PASSWORD})
            change = await client.patch(
                f"{USERS}/{user['id']}",
                json={"password": "a brand new password", "current_password": DEFAULT_PASSWORD},
                headers={"Authorization": f"Bearer {login.json()['access_token']}"},
            )

    assert change.status_code == 200
    # Sign-up hashes, sign-in verifies, the change verifies then hashes: never holding one.
    assert checked_out == [0, 0, 0, 0]


async def test_concurrent_sign_ins_on_a_tiny_pool_all_get_an_answer(
    committing: Committing, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One connection, a second to wait for it, and each verification slowed to a quarter of a
    # second: a request holding the connection while verifying would starve the others
    # (500 before the pool's timeout was a problem, 503 after); releasing it, none waits.
    async with committing(
        DB_POOL_SIZE=1, DB_POOL_TIMEOUT_SECONDS=1.0, PASSWORD_HASH_THREADS=2, PASSWORD_HASH_QUEUE=20
    ) as app:
        hasher: PasswordHasher = app.state.password_hasher
        real_verify = hasher.algorithm.verify

        def slow_verify(password: str | bytes, hashed: str | bytes) -> bool:
            time.sleep(0.25)
            return real_verify(password, hashed)

        email = committed_email()
        async with http_client(app) as client:
            await client.post(USERS, json=user_body(email=email))
            monkeypatch.setattr(hasher.algorithm, "verify", slow_verify)
            attempts = [
                client.post(TOKEN, data={"username": email, "password": password})
                for password in [DEFAULT_PASSWORD, "a wrong password"] * 6
            ]
            responses = await asyncio.gather(*attempts)

    assert [response.status_code for response in responses] == [200, 401] * 6
