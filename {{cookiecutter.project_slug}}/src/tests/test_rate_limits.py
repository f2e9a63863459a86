"""Rate limits: {% if cookiecutter.auth == "jwt" %}sign-in per address and per account, {% endif %}sign-up per address; 429 with Retry-After."""

import asyncio
import math
import time
from contextlib import AbstractAsyncContextManager

import pytest
from fastapi import FastAPI
from httpx import {% if cookiecutter.auth == "jwt" %}AsyncClient, {% endif %}Response

from src.tests.conftest import AppWith, http_client
from src.tests.factories import {% if cookiecutter.auth == "jwt" %}DEFAULT_PASSWORD, auth_headers, create_user, {% endif %}user_body
from src.tests.problems import assert_problem

USERS = "/api/v1/users"
{%- if cookiecutter.auth == "jwt" %}
TOKEN = "/api/v1/auth/token"
{%- endif %}
LOOSE = "1000/minute"
PROXY = "10.0.0.5"
# One sign-up per address a minute, behind a reverse proxy at PROXY.
BEHIND_A_PROXY = {"RATE_LIMIT_SIGNUP_PER_ADDRESS": "1/minute", "FORWARDED_ALLOW_IPS": [PROXY]}


@pytest.fixture
def limited(app_with: AppWith) -> AppWith:
    """Run the application with the limits given and every other limit loose."""

    def limited_app(**settings: object) -> AbstractAsyncContextManager[FastAPI]:
        loose = {
{%- if cookiecutter.auth == "jwt" %}
            "RATE_LIMIT_LOGIN_PER_ADDRESS": LOOSE,
            "RATE_LIMIT_LOGIN_PER_ACCOUNT": LOOSE,
{%- endif %}
            "RATE_LIMIT_SIGNUP_PER_ADDRESS": LOOSE,
        }
        return app_with(**(loose | settings))

    return limited_app


def assert_limited(response: Response) -> None:
    """Assert a 429 problem telling when to come back (within the one-minute window)."""
    assert_problem(response, 429)
    assert 1 <= int(response.headers["retry-after"]) <= 60


class TestSignUp:
    async def test_past_the_limit_is_429(self, limited: AppWith) -> None:
        async with (
            limited(RATE_LIMIT_SIGNUP_PER_ADDRESS="2/minute") as app,
            http_client(app) as client,
        ):
            allowed = [await client.post(USERS, json=user_body()) for _ in range(2)]
            response = await client.post(USERS, json=user_body())

        assert [answer.status_code for answer in allowed] == [201, 201]
        assert_limited(response)

    async def test_another_address_counts_on_its_own(self, limited: AppWith) -> None:
        async with limited(RATE_LIMIT_SIGNUP_PER_ADDRESS="1/minute") as app:
            async with http_client(app, "198.51.100.1") as first:
                await first.post(USERS, json=user_body())
            async with http_client(app, "198.51.100.2") as second:
                response = await second.post(USERS, json=user_body())

        assert response.status_code == 201

    async def test_the_limit_holds_as_the_clock_turns_a_window(self, limited: AppWith) -> None:
        # "1/second" means at most one in any second, not one per calendar second.
        async with (
            limited(RATE_LIMIT_SIGNUP_PER_ADDRESS="1/second") as app,
            http_client(app) as client,
        ):
            await asyncio.sleep((0.8 - time.time() % 1) % 1)
            turn = math.floor(time.time()) + 1
            first = await client.post(USERS, json=user_body())
            await asyncio.sleep(max(0.0, turn + 0.05 - time.time()))
            response = await client.post(USERS, json=user_body())

        assert first.status_code == 201
        assert_limited(response)


class TestClientAddress:
    async def test_forwarded_for_is_ignored_without_trusted_proxies(self, limited: AppWith) -> None:
        # Otherwise every request could claim a fresh address and never be limited.
        async with (
            limited(RATE_LIMIT_SIGNUP_PER_ADDRESS="1/minute") as app,
            http_client(app) as client,
        ):
            await client.post(USERS, json=user_body(), headers=forwarded("203.0.113.1"))
            response = await client.post(USERS, json=user_body(), headers=forwarded("203.0.113.2"))

        assert_limited(response)

    async def test_a_trusted_proxy_names_the_client(self, limited: AppWith) -> None:
        async with limited(**BEHIND_A_PROXY) as app, http_client(app, PROXY) as proxy:
            first = await proxy.post(USERS, json=user_body(), headers=forwarded("203.0.113.1"))
            other = await proxy.post(USERS, json=user_body(), headers=forwarded("203.0.113.2"))
            again = await proxy.post(USERS, json=user_body(), headers=forwarded("203.0.113.1"))

        assert [first.status_code, other.status_code] == [201, 201]
        assert_limited(again)

    async def test_an_untrusted_peer_cannot_pose_as_the_proxy(self, limited: AppWith) -> None:
        async with limited(**BEHIND_A_PROXY) as app, http_client(app, "198.51.100.9") as stranger:
            await stranger.post(USERS, json=user_body(), headers=forwarded("203.0.113.1"))
            response = await stranger.post(
                USERS, json=user_body(), headers=forwarded("203.0.113.2")
            )

        assert_limited(response)


def forwarded(address: str) -> dict[str, str]:
    """The header a proxy adds for the client it forwards."""
    return {"X-Forwarded-For": address}

{%- if cookiecutter.auth == "jwt" %}


async def sign_in(client: AsyncClient, email: str, password: str = "a guess") -> Response:  # noqa: S107
    """Try to sign in (by default with a wrong password)."""
    return await client.post(TOKEN, data={"username": email, "password": password})


class TestSignIn:
    async def test_past_the_address_limit_is_429_for_any_account(self, limited: AppWith) -> None:
        async with (
            limited(RATE_LIMIT_LOGIN_PER_ADDRESS="3/minute") as app,
            http_client(app) as client,
        ):
            user = await create_user(client)
            failed = [await sign_in(client, f"guess{n}@example.com") for n in range(3)]
            response = await sign_in(client, user["email"], DEFAULT_PASSWORD)

        assert [answer.status_code for answer in failed] == [401, 401, 401]
        assert_limited(response)

    async def test_past_the_account_limit_is_429_from_any_address(self, limited: AppWith) -> None:
        async with (
            limited(RATE_LIMIT_LOGIN_PER_ACCOUNT="2/minute") as app,
            http_client(app) as client,
        ):
            user = await create_user(client)
            for address in ("198.51.100.1", "198.51.100.2"):
                async with http_client(app, address) as attacker:
                    await sign_in(attacker, user["email"])
            response = await sign_in(client, user["email"], DEFAULT_PASSWORD)
            other = await create_user(client)
            unaffected = await sign_in(client, other["email"], DEFAULT_PASSWORD)

        assert_limited(response)
        assert unaffected.status_code == 200

    async def test_a_wrong_current_password_counts_as_a_sign_in(self, limited: AppWith) -> None:
        async with (
            limited(RATE_LIMIT_LOGIN_PER_ACCOUNT="3/minute") as app,
            http_client(app) as client,
        ):
            user = await create_user(client)
            headers = await auth_headers(client, user["email"])
            change = {"password": "a new password", "current_password": "a guess"}
            for _ in range(2):
                wrong = await client.patch(f"{USERS}/{user['id']}", json=change, headers=headers)
            response = await sign_in(client, user["email"], DEFAULT_PASSWORD)

        assert_problem(wrong, 403)
        assert_limited(response)
{%- endif %}
