"""Small async factories that create data through the API, as a client would."""

import itertools
from typing import Any

from httpx import AsyncClient

DEFAULT_PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


async def create_user(
    client: AsyncClient, *, email: str | None = None, password: str = DEFAULT_PASSWORD
) -> dict[str, Any]:
    """Register a user and return the `data` of the response."""
    number = next(_sequence)
    response = await client.post(
        "/api/v1/users",
        json={
            "email": email or f"user{number}@example.com",
            "display_name": f"User {number}",
            "password": password,
        },
    )
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
