"""Small async factories that create data through the API, as a client would."""

import itertools
{%- if cookiecutter.auth == "jwt" %}
import uuid
{%- endif %}
from typing import Any

from httpx import AsyncClient
{%- if cookiecutter.auth == "jwt" %}
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
{%- endif %}

{% if cookiecutter.auth == "jwt" -%}
DEFAULT_PASSWORD = "correct horse battery staple"
{% endif -%}
_sequence = itertools.count(1)


def user_body(**fields: str) -> dict[str, str]:
    """Return a valid sign-up body for a new user, with `fields` replaced."""
    number = next(_sequence)
    body = {
        "email": f"user{number}@example.com",
        "display_name": f"User {number}",
{%- if cookiecutter.auth == "jwt" %}
        "password": DEFAULT_PASSWORD,
{%- endif %}
    }
    return body | fields


async def create_user(client: AsyncClient, **fields: str) -> dict[str, Any]:
    """Register a user (see `user_body` for the fields) and return the `data` of the response."""
    response = await client.post("/api/v1/users", json=user_body(**fields))
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()["data"]
    return user
{%- if cookiecutter.auth == "jwt" %}


async def login(client: AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Sign in and return the access token."""
    response = await client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def auth_headers(client: AsyncClient, email: str | None = None) -> dict[str, str]:
    """Create a user (or use `email`'s) and return its Authorization header."""
    if email is None:
        email = (await create_user(client))["email"]
    return {"Authorization": f"Bearer {await login(client, email)}"}


async def admin_headers(client: AsyncClient, connection: AsyncConnection) -> dict[str, str]:
    """Create an administrator and return its Authorization header.

    Promoted with SQL in the test's transaction: the API has no way to do it, by design.
    """
    user = await create_user(client)
    await connection.execute(
        text("UPDATE users SET is_admin = true WHERE id = :id"), {"id": uuid.UUID(user["id"])}
    )
    return await auth_headers(client, user["email"])


async def create_item(
    client: AsyncClient, headers: dict[str, str], title: str = "A thing"
) -> dict[str, Any]:
    """Create an item owned by the user behind `headers`."""
    response = await client.post("/api/v1/items", json={"title": title}, headers=headers)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["data"]
    return item
{%- else %}


async def create_item(client: AsyncClient, title: str = "A thing") -> dict[str, Any]:
    """Create an item."""
    response = await client.post("/api/v1/items", json={"title": title})
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["data"]
    return item
{%- endif %}
