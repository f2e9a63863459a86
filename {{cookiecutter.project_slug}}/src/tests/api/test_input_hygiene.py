"""Input the database cannot store, or the router cannot place, is refused with a clear problem."""

import pytest
from httpx import AsyncClient

from src.tests.factories import {% if cookiecutter.auth == "jwt" %}auth_headers, {% endif %}create_user, user_body

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/users", user_body(display_name="A\u0000B")),
        ("/api/v1/items", {"title": "A\u0000B"}),
    ],
    ids=["display_name", "title"],
)
async def test_nul_character_is_422_not_a_database_error(
    client: AsyncClient, path: str, body: dict[str, str]
) -> None:
{%- if cookiecutter.auth == "jwt" %}
    headers = await auth_headers(client)
{%- else %}
    headers: dict[str, str] = {}
{%- endif %}

    response = await client.post(path, json=body, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
{%- if cookiecutter.auth == "jwt" %}


async def test_nul_character_in_the_login_email_is_422(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/token", data={"username": "a\u0000@example.com", "password": "whatever"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


async def test_empty_login_form_is_422(client: AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", data={})

    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["errors"]} == {
        ("body", "username"),
        ("body", "password"),
    }


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_changing_me_is_405_not_a_malformed_id(client: AsyncClient, method: str) -> None:
    response = await client.request(method, "/api/v1/users/me", headers=await auth_headers(client))

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
{%- endif %}


async def test_reserved_test_domain_email_is_accepted(client: AsyncClient) -> None:
    user = await create_user(client, email="someone@example.test")

    assert user["email"] == "someone@example.test"


async def test_405_lists_every_method_of_the_path(client: AsyncClient) -> None:
    response = await client.request("PUT", "/api/v1/items")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == "GET, HEAD, POST"


async def test_body_that_is_not_utf8_is_a_400_problem(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/users", content=b'{"email": "\xff"}', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


async def test_a_misspelt_field_is_422_naming_it_and_changes_nothing(client: AsyncClient) -> None:
{%- if cookiecutter.auth == "jwt" %}
    headers = await auth_headers(client)
{%- else %}
    headers: dict[str, str] = {}
{%- endif %}
    created = await client.post("/api/v1/items", json={"title": "Kept"}, headers=headers)
    item_url = f"/api/v1/items/{created.json()['data']['id']}"

    response = await client.patch(item_url, json={"titel": "Lost"}, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "titel"]]
    assert (await client.get(item_url, headers=headers)).json()["data"]["title"] == "Kept"
