"""The /api/v1/users endpoints{% if cookiecutter.auth == "jwt" %} used on oneself (who may act on whom: test_user_access.py){% endif %}."""

import uuid
from typing import Any
from unittest.mock import ANY

import pytest
from httpx import AsyncClient

{%- if cookiecutter.auth == "jwt" %}
from sqlalchemy.ext.asyncio import AsyncConnection
{%- endif %}

from src.tests.factories import (
{%- if cookiecutter.auth == "jwt" %}
    DEFAULT_PASSWORD,
    admin_headers,
    auth_headers,
{%- endif %}
    create_user,
    user_body,
)
from src.tests.problems import assert_problem{% if cookiecutter.auth == "jwt" %}, assert_unauthorized{% endif %}

USERS = "/api/v1/users"
{%- if cookiecutter.auth == "jwt" %}


# What a change of email or password must carry besides the change itself.
CONFIRMATION = {"current_password": DEFAULT_PASSWORD}


async def sign_up(client: AsyncClient) -> tuple[dict[str, Any], dict[str, str]]:
    """Create a user and return it with the headers that act as it."""
    user = await create_user(client)
    return user, await auth_headers(client, user["email"])


@pytest.fixture
async def lister(client: AsyncClient, connection: AsyncConnection) -> dict[str, str]:
    """The headers of a user allowed to list users: an administrator."""
    return await admin_headers(client, connection)
{%- else %}

CONFIRMATION: dict[str, str] = {}


async def sign_up(client: AsyncClient) -> tuple[dict[str, Any], dict[str, str]]:
    """Create a user and return it with the headers for a request (none needed without auth)."""
    return await create_user(client), {}


@pytest.fixture
async def lister(client: AsyncClient) -> dict[str, str]:
    """The headers of a user listing users (any, without auth); one user exists."""
    return (await sign_up(client))[1]
{%- endif %}


class TestCreateUser:
    async def test_returns_201_with_the_user_enveloped(self, client: AsyncClient) -> None:
        response = await client.post(
            USERS, json=user_body(email="ada@example.com", display_name="Ada")
        )

        assert response.status_code == 201
        assert response.json() == {
            "data": {
                "id": ANY,
                "email": "ada@example.com",
                "display_name": "Ada",
{%- if cookiecutter.auth == "jwt" %}
                "is_admin": False,
{%- endif %}
                "created_at": ANY,
            }
        }

    async def test_email_is_stored_lower_case(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(email="Ada.L@Example.COM"))

        assert response.status_code == 201
        assert response.json()["data"]["email"] == "ada.l@example.com"

    async def test_duplicate_email_is_409(self, client: AsyncClient) -> None:
        await create_user(client, email="ada@example.com")

        response = await client.post(USERS, json=user_body(email="ada@example.com"))

        body = assert_problem(response, 409)
        assert body["detail"] == "A user with this email address already exists."

    async def test_duplicate_email_in_another_case_is_409(self, client: AsyncClient) -> None:
        await create_user(client, email="ada@example.com")

        response = await client.post(USERS, json=user_body(email="ADA@Example.com"))

        assert_problem(response, 409)

    async def test_invalid_input_is_422_with_field_errors(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(email="not-an-email", display_name=""))

        body = assert_problem(response, 422)
        assert {tuple(error["loc"]) for error in body["errors"]} == {
            ("body", "email"),
            ("body", "display_name"),
        }
        assert all(set(error) == {"loc", "msg", "type"} for error in body["errors"])

    async def test_unknown_field_is_422_naming_it(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(nickname="Ada"))

        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "nickname"]]
{%- if cookiecutter.auth == "jwt" %}

    async def test_password_is_never_returned(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(password="s3cret-enough"))

        assert response.status_code == 201
        assert "password" not in response.json()["data"]
        assert "hashed_password" not in response.json()["data"]
        assert "s3cret-enough" not in response.text

    async def test_rejected_password_is_not_echoed(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(password="Zq7-x9!"))

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "password"]
        assert body["errors"][0]["msg"] == "String should have at least 8 characters"
        assert "Zq7-x9!" not in response.text

    async def test_password_beside_an_invalid_field_is_not_echoed(
        self, client: AsyncClient
    ) -> None:
        # A missing field's error would carry the whole body, password included, as its input.
        response = await client.post(
            USERS, json={"email": "ada@example.com", "password": "s3cret-enough"}
        )

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "display_name"]
        assert "s3cret-enough" not in response.text

    async def test_password_longer_than_128_is_422(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(password="p" * 129))

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "password"]
{%- else %}

    async def test_a_password_is_refused_there_is_no_sign_in(self, client: AsyncClient) -> None:
        response = await client.post(USERS, json=user_body(password="s3cret-enough"))

        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "password"]]
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}


class TestReadMe:
    async def test_returns_the_signed_in_user(self, client: AsyncClient) -> None:
        me, headers = await sign_up(client)

        response = await client.get(f"{USERS}/me", headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": me}

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.get(f"{USERS}/me")

        assert_unauthorized(response)
{%- endif %}


class TestReadUser:
    async def test_returns_the_user(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.get(f"{USERS}/{user['id']}", headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": user}

    async def test_unknown_id_is_404(self, client: AsyncClient) -> None:
        _, headers = await sign_up(client)

        response = await client.get(f"{USERS}/{uuid.uuid4()}", headers=headers)

        body = assert_problem(response, 404)
        assert body["detail"] == "User not found."

    async def test_malformed_id_is_422(self, client: AsyncClient) -> None:
        _, headers = await sign_up(client)

        response = await client.get(f"{USERS}/not-a-uuid", headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["path", "user_id"]
{%- if cookiecutter.auth == "jwt" %}

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)

        response = await client.get(f"{USERS}/{user['id']}")

        assert_unauthorized(response)
{%- endif %}


class TestListUsers:
    async def test_pages_carry_total_limit_and_offset(
        self, client: AsyncClient, lister: dict[str, str]
    ) -> None:
        headers = lister
        for _ in range(3):
            await create_user(client)

        response = await client.get(USERS, params={"limit": 2, "offset": 1}, headers=headers)

        assert response.status_code == 200
        assert len(response.json()["data"]) == 2
        assert response.json()["meta"] == {"total": 4, "limit": 2, "offset": 1}

    async def test_defaults_to_the_first_20(
        self, client: AsyncClient, lister: dict[str, str]
    ) -> None:
        headers = lister

        response = await client.get(USERS, headers=headers)

        assert response.status_code == 200
        assert response.json()["meta"] == {"total": 1, "limit": 20, "offset": 0}

    async def test_limit_of_100_is_accepted(
        self, client: AsyncClient, lister: dict[str, str]
    ) -> None:
        headers = lister

        response = await client.get(USERS, params={"limit": 100}, headers=headers)

        assert response.status_code == 200
        assert response.json()["meta"]["limit"] == 100

    async def test_limit_above_100_is_422(
        self, client: AsyncClient, lister: dict[str, str]
    ) -> None:
        headers = lister

        response = await client.get(USERS, params={"limit": 101}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "limit"]

    async def test_zero_limit_is_422(self, client: AsyncClient, lister: dict[str, str]) -> None:
        headers = lister

        response = await client.get(USERS, params={"limit": 0}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "limit"]

    async def test_negative_offset_is_422(
        self, client: AsyncClient, lister: dict[str, str]
    ) -> None:
        headers = lister

        response = await client.get(USERS, params={"offset": -1}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "offset"]
{%- if cookiecutter.auth == "jwt" %}

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        await create_user(client)

        response = await client.get(USERS)

        assert_unauthorized(response)
{%- endif %}


class TestUpdateUser:
    async def test_changes_only_the_fields_sent(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(
            f"{USERS}/{user['id']}", json={"display_name": "Renamed"}, headers=headers
        )

        assert response.status_code == 200
        assert response.json() == {"data": {**user, "display_name": "Renamed"}}

    async def test_change_is_kept(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)
        await client.patch(
            f"{USERS}/{user['id']}", json={"display_name": "Renamed"}, headers=headers
        )

        response = await client.get(f"{USERS}/{user['id']}", headers=headers)

        assert response.status_code == 200
        assert response.json()["data"]["display_name"] == "Renamed"

    async def test_new_email_is_stored_lower_case(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(
            f"{USERS}/{user['id']}",
            json={"email": "New@Example.COM", **CONFIRMATION},
            headers=headers,
        )

        assert response.status_code == 200
        assert response.json()["data"]["email"] == "new@example.com"

    async def test_taken_email_is_409(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)
        await create_user(client, email="taken@example.com")

        response = await client.patch(
            f"{USERS}/{user['id']}",
            json={"email": "Taken@example.com", **CONFIRMATION},
            headers=headers,
        )

        assert_problem(response, 409)

    async def test_display_name_longer_than_100_is_422(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(
            f"{USERS}/{user['id']}", json={"display_name": "n" * 101}, headers=headers
        )

        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "display_name"]]

    async def test_unknown_field_is_422_naming_it(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(
            f"{USERS}/{user['id']}", json={"display_nmae": "Typo"}, headers=headers
        )

        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "display_nmae"]]
        assert body["errors"][0]["type"] == "extra_forbidden"

    @pytest.mark.parametrize("field", ["email", "display_name"{% if cookiecutter.auth == "jwt" %}, "password", "current_password"{% endif %}])
    async def test_explicit_null_is_422(self, client: AsyncClient, field: str) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(f"{USERS}/{user['id']}", json={field: None}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", field]

{%- if cookiecutter.auth == "jwt" %}

    async def test_rejected_password_is_not_echoed(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.patch(
            f"{USERS}/{user['id']}", json={"password": "Zq7-x9!", **CONFIRMATION}, headers=headers
        )

        assert_problem(response, 422)
        assert "Zq7-x9!" not in response.text

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)

        response = await client.patch(f"{USERS}/{user['id']}", json={"display_name": "Anyone"})

        assert_unauthorized(response)
{%- else %}

    async def test_unknown_id_is_404(self, client: AsyncClient) -> None:
        response = await client.patch(f"{USERS}/{uuid.uuid4()}", json={"display_name": "Nobody"})

        assert_problem(response, 404)
{%- endif %}


class TestDeleteUser:
    async def test_returns_204_and_the_user_is_gone(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)

        response = await client.delete(f"{USERS}/{user['id']}", headers=headers)

        assert response.status_code == 204
        assert response.content == b""
{%- if cookiecutter.auth == "jwt" %}

    async def test_deleted_user_cannot_sign_in(self, client: AsyncClient) -> None:
        user, headers = await sign_up(client)
        await client.delete(f"{USERS}/{user['id']}", headers=headers)

        response = await client.post(
            "/api/v1/auth/token", data={"username": user["email"], "password": DEFAULT_PASSWORD}
        )

        assert_unauthorized(response)

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)

        response = await client.delete(f"{USERS}/{user['id']}")

        assert_unauthorized(response)
{%- else %}

    async def test_the_user_is_gone(self, client: AsyncClient) -> None:
        user = await create_user(client)
        await client.delete(f"{USERS}/{user['id']}")

        response = await client.get(f"{USERS}/{user['id']}")

        assert_problem(response, 404)

    async def test_unknown_id_is_404(self, client: AsyncClient) -> None:
        response = await client.delete(f"{USERS}/{uuid.uuid4()}")

        assert_problem(response, 404)
{%- endif %}
