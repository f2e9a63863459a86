"""Who may act on which account: itself, or an administrator on anyone; others see nothing.

And what a stolen token alone cannot do: change the email or the password.
"""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from src.passwords import HashingSlot
from src.tests.factories import DEFAULT_PASSWORD, admin_headers, auth_headers, create_user
from src.tests.problems import assert_problem, assert_unauthorized

USERS = "/api/v1/users"
TOKEN = "/api/v1/auth/token"


@pytest.fixture
async def other(client: AsyncClient) -> dict[str, Any]:
    """Another ordinary user."""
    return await create_user(client)


@pytest.fixture
async def admin(client: AsyncClient, connection: AsyncConnection) -> dict[str, str]:
    """The Authorization header of an administrator."""
    return await admin_headers(client, connection)


class TestReading:
    async def test_yourself_by_id(
        self, client: AsyncClient, me: dict[str, Any], headers: dict[str, str]
    ) -> None:
        response = await client.get(f"{USERS}/{me['id']}", headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": me}

    async def test_another_user_is_404_like_a_missing_one(
        self, client: AsyncClient, headers: dict[str, str], other: dict[str, Any]
    ) -> None:
        response = await client.get(f"{USERS}/{other['id']}", headers=headers)
        missing = await client.get(f"{USERS}/{uuid.uuid4()}", headers=headers)

        assert_problem(response, 404)
        assert response.json()["detail"] == missing.json()["detail"]

    async def test_an_administrator_reads_anyone(
        self, client: AsyncClient, admin: dict[str, str], other: dict[str, Any]
    ) -> None:
        response = await client.get(f"{USERS}/{other['id']}", headers=admin)

        assert response.status_code == 200
        assert response.json() == {"data": other}

    async def test_listing_is_403_for_a_user(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.get(USERS, headers=headers)

        assert_problem(response, 403)

    async def test_an_administrator_lists_everyone(
        self, client: AsyncClient, admin: dict[str, str], me: dict[str, Any]
    ) -> None:
        response = await client.get(USERS, headers=admin)

        assert response.status_code == 200
        assert me in response.json()["data"]
        assert response.json()["meta"]["total"] == 2

    async def test_an_administrator_is_marked_as_one(
        self, client: AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await client.get(f"{USERS}/me", headers=admin)

        assert response.status_code == 200
        assert response.json()["data"]["is_admin"] is True


class TestChanging:
    async def test_another_user_is_404_and_unchanged(
        self,
        client: AsyncClient,
        headers: dict[str, str],
        other: dict[str, Any],
        admin: dict[str, str],
    ) -> None:
        response = await client.patch(
            f"{USERS}/{other['id']}", json={"display_name": "Hijacked"}, headers=headers
        )

        assert_problem(response, 404)
        kept = await client.get(f"{USERS}/{other['id']}", headers=admin)
        assert kept.json()["data"]["display_name"] == other["display_name"]

    async def test_an_administrator_changes_anyone(
        self, client: AsyncClient, admin: dict[str, str], other: dict[str, Any]
    ) -> None:
        response = await client.patch(
            f"{USERS}/{other['id']}", json={"display_name": "Renamed"}, headers=admin
        )

        assert response.status_code == 200
        assert response.json()["data"]["display_name"] == "Renamed"

    async def test_admin_rights_cannot_be_granted_through_the_api(
        self, client: AsyncClient, me: dict[str, Any], headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"{USERS}/{me['id']}", json={"is_admin": True}, headers=headers
        )

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "is_admin"]


class TestDeleting:
    async def test_another_user_is_404_and_kept(
        self,
        client: AsyncClient,
        headers: dict[str, str],
        other: dict[str, Any],
        admin: dict[str, str],
    ) -> None:
        response = await client.delete(f"{USERS}/{other['id']}", headers=headers)

        assert_problem(response, 404)
        assert (await client.get(f"{USERS}/{other['id']}", headers=admin)).status_code == 200

    async def test_an_administrator_deletes_anyone(
        self, client: AsyncClient, admin: dict[str, str], other: dict[str, Any]
    ) -> None:
        response = await client.delete(f"{USERS}/{other['id']}", headers=admin)

        assert response.status_code == 204
        assert_problem(await client.get(f"{USERS}/{other['id']}", headers=admin), 404)


class TestCredentialChanges:
    @pytest.mark.parametrize(
        "change", [{"email": "new@example.com"}, {"password": "a brand new password"}]
    )
    async def test_need_current_password(
        self,
        client: AsyncClient,
        me: dict[str, Any],
        headers: dict[str, str],
        change: dict[str, str],
    ) -> None:
        response = await client.patch(f"{USERS}/{me['id']}", json=change, headers=headers)

        body = assert_problem(response, 422)
        assert "current_password" in body["errors"][0]["msg"]

    async def test_wrong_current_password_is_403_and_changes_nothing(
        self, client: AsyncClient, me: dict[str, Any], headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"{USERS}/{me['id']}",
            json={"password": "a brand new password", "current_password": "a guess"},
            headers=headers,
        )

        assert_problem(response, 403)
        login = await client.post(
            TOKEN, data={"username": me["email"], "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200

    async def test_new_email_signs_in(
        self, client: AsyncClient, me: dict[str, Any], headers: dict[str, str]
    ) -> None:
        await client.patch(
            f"{USERS}/{me['id']}",
            json={"email": "moved@example.com", "current_password": DEFAULT_PASSWORD},
            headers=headers,
        )

        response = await client.post(
            TOKEN, data={"username": "moved@example.com", "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 200

    async def test_an_administrator_confirms_with_its_own_password(
        self, client: AsyncClient, admin: dict[str, str], other: dict[str, Any]
    ) -> None:
        old_token = await auth_headers(client, other["email"])

        response = await client.patch(
            f"{USERS}/{other['id']}",
            json={"password": "reset by the admin", "current_password": DEFAULT_PASSWORD},
            headers=admin,
        )

        assert response.status_code == 200
        assert_unauthorized(await client.get(f"{USERS}/me", headers=old_token))

    async def test_a_concurrent_password_change_wins_and_this_one_is_409(
        self,
        client: AsyncClient,
        *,
        me: dict[str, Any],
        headers: dict[str, str],
        connection: AsyncConnection,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Between this request's read and its write, another one changes the password.
        real_hash = HashingSlot.hash

        async def hash_while_another_request_writes(slot: HashingSlot, password: str) -> str:
            await connection.execute(
                text("UPDATE users SET token_version = token_version + 1 WHERE id = :id"),
                {"id": uuid.UUID(me["id"])},
            )
            return await real_hash(slot, password)

        monkeypatch.setattr(HashingSlot, "hash", hash_while_another_request_writes)

        response = await client.patch(
            f"{USERS}/{me['id']}",
            json={"password": "a brand new password", "current_password": DEFAULT_PASSWORD},
            headers=headers,
        )

        assert_problem(response, 409)
        version = await connection.scalar(
            text("SELECT token_version FROM users WHERE id = :id"), {"id": uuid.UUID(me["id"])}
        )
        assert version == 1
