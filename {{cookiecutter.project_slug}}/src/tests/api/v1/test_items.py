"""The /api/v1/items endpoints{% if cookiecutter.auth == "jwt" %}: each caller sees only its own items{% endif %}."""

import uuid
from typing import Any
from unittest.mock import ANY

{% if cookiecutter.auth == "none" -%}
import pytest
{% endif -%}
from httpx import AsyncClient
{%- if cookiecutter.auth == "jwt" %}
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
{%- endif %}

from src.tests.factories import {% if cookiecutter.auth == "jwt" %}auth_headers, {% endif %}create_item
{% if cookiecutter.auth == "jwt" -%}
from src.tests.problems import assert_problem, assert_unauthorized, without_request_identity
{%- else -%}
from src.tests.problems import assert_problem
{%- endif %}

ITEMS = "/api/v1/items"
{%- if cookiecutter.auth == "jwt" %}


async def make_item(
    client: AsyncClient, headers: dict[str, str], title: str = "A thing"
) -> dict[str, Any]:
    """Create an item owned by the user behind `headers`."""
    return await create_item(client, headers, title)
{%- else %}


@pytest.fixture
def headers() -> dict[str, str]:
    """No headers: without auth every item route is open."""
    return {}


async def make_item(
    client: AsyncClient, headers: dict[str, str], title: str = "A thing"
) -> dict[str, Any]:
    """Create an item; `headers` stays empty without auth and keeps the tests alike."""
    return await create_item(client, title)
{%- endif %}


class TestCreateItem:
    async def test_returns_201_with_the_item_enveloped(
        self, client: AsyncClient, headers: dict[str, str]{% if cookiecutter.auth == "jwt" %}, me: dict[str, Any]{% endif %}
    ) -> None:
        response = await client.post(
            ITEMS, json={"title": "Milk", "description": "Two litres"}, headers=headers
        )

        assert response.status_code == 201
        assert response.json() == {
            "data": {
                "id": ANY,
                "title": "Milk",
                "description": "Two litres",
{%- if cookiecutter.auth == "jwt" %}
                "owner_id": me["id"],
{%- endif %}
                "created_at": ANY,
            }
        }

    async def test_description_is_optional(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.post(ITEMS, json={"title": "Milk"}, headers=headers)

        assert response.status_code == 201
        assert response.json()["data"]["description"] is None

    async def test_title_of_255_characters_is_accepted(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.post(ITEMS, json={"title": "t" * 255}, headers=headers)

        assert response.status_code == 201
        assert response.json()["data"]["title"] == "t" * 255

    async def test_title_longer_than_255_is_422(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.post(ITEMS, json={"title": "t" * 256}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "title"]

    async def test_description_longer_than_255_is_422(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.post(
            ITEMS, json={"title": "Milk", "description": "d" * 256}, headers=headers
        )

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "description"]

    async def test_empty_title_is_422(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.post(ITEMS, json={"title": ""}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "title"]

    async def test_missing_title_is_422(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.post(ITEMS, json={"description": "No title"}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "title"]
{%- if cookiecutter.auth == "jwt" %}

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.post(ITEMS, json={"title": "Milk"})

        assert_unauthorized(response)
{%- endif %}


class TestReadItem:
    async def test_returns_the_item(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)

        response = await client.get(f"{ITEMS}/{item['id']}", headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": item}

    async def test_unknown_id_is_404(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.get(f"{ITEMS}/{uuid.uuid4()}", headers=headers)

        body = assert_problem(response, 404)
        assert body["detail"] == "Item not found."

    async def test_malformed_id_is_422(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.get(f"{ITEMS}/42", headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["path", "item_id"]
{%- if cookiecutter.auth == "jwt" %}

    async def test_another_users_item_is_404(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        theirs = await make_item(client, await auth_headers(client))

        response = await client.get(f"{ITEMS}/{theirs['id']}", headers=headers)

        assert_problem(response, 404)

    async def test_another_users_item_answers_like_a_missing_one(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        theirs = await make_item(client, await auth_headers(client))

        hidden = await client.get(f"{ITEMS}/{theirs['id']}", headers=headers)
        missing = await client.get(f"{ITEMS}/{uuid.uuid4()}", headers=headers)

        assert hidden.status_code == missing.status_code
        assert without_request_identity(hidden) == without_request_identity(missing)

    async def test_without_token_is_401(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)

        response = await client.get(f"{ITEMS}/{item['id']}")

        assert_unauthorized(response)
{%- endif %}


class TestListItems:
    async def test_lists_newest_first(self, client: AsyncClient, headers: dict[str, str]) -> None:
        for title in ("first", "second", "third", "fourth", "fifth"):
            await make_item(client, headers, title)

        response = await client.get(ITEMS, headers=headers)

        assert response.status_code == 200
        assert [item["title"] for item in response.json()["data"]] == [
            "fifth",
            "fourth",
            "third",
            "second",
            "first",
        ]

    async def test_pages_carry_total_limit_and_offset(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        for _ in range(3):
            await make_item(client, headers)

        response = await client.get(ITEMS, params={"limit": 2, "offset": 1}, headers=headers)

        assert response.status_code == 200
        assert len(response.json()["data"]) == 2
        assert response.json()["meta"] == {"total": 3, "limit": 2, "offset": 1}

    async def test_a_page_past_the_end_is_empty_and_still_counts_all(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        for _ in range(3):
            await make_item(client, headers)

        response = await client.get(ITEMS, params={"limit": 2, "offset": 5}, headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": [], "meta": {"total": 3, "limit": 2, "offset": 5}}

    async def test_empty_list_is_200(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.get(ITEMS, headers=headers)

        assert response.status_code == 200
        assert response.json() == {"data": [], "meta": {"total": 0, "limit": 20, "offset": 0}}

    async def test_limit_of_100_is_accepted(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.get(ITEMS, params={"limit": 100}, headers=headers)

        assert response.status_code == 200
        assert response.json()["meta"]["limit"] == 100

    async def test_limit_above_100_is_422(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.get(ITEMS, params={"limit": 101}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "limit"]

    async def test_negative_offset_is_422(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        response = await client.get(ITEMS, params={"offset": -1}, headers=headers)

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "offset"]
{%- if cookiecutter.auth == "jwt" %}

    async def test_another_users_items_are_never_listed(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        mine = await make_item(client, headers, "mine")
        await make_item(client, await auth_headers(client), "theirs")

        response = await client.get(ITEMS, headers=headers)

        assert response.status_code == 200
        assert response.json() == {
            "data": [mine],
            "meta": {"total": 1, "limit": 20, "offset": 0},
        }

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.get(ITEMS)

        assert_unauthorized(response)
{%- endif %}


class TestUpdateItem:
    async def test_changes_only_the_fields_sent(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        item = await make_item(client, headers)
        await client.patch(f"{ITEMS}/{item['id']}", json={"description": "Kept"}, headers=headers)

        response = await client.patch(
            f"{ITEMS}/{item['id']}", json={"title": "Renamed"}, headers=headers
        )

        assert response.status_code == 200
        assert response.json() == {"data": {**item, "title": "Renamed", "description": "Kept"}}

    async def test_change_is_kept(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)
        await client.patch(f"{ITEMS}/{item['id']}", json={"title": "Renamed"}, headers=headers)

        response = await client.get(f"{ITEMS}/{item['id']}", headers=headers)

        assert response.status_code == 200
        assert response.json()["data"]["title"] == "Renamed"

    async def test_null_description_clears_it(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        item = await make_item(client, headers)
        await client.patch(f"{ITEMS}/{item['id']}", json={"description": "Gone"}, headers=headers)

        response = await client.patch(
            f"{ITEMS}/{item['id']}", json={"description": None}, headers=headers
        )

        assert response.status_code == 200
        assert response.json()["data"]["description"] is None

    async def test_null_title_is_422(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)

        response = await client.patch(
            f"{ITEMS}/{item['id']}", json={"title": None}, headers=headers
        )

        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body", "title"]

    async def test_title_longer_than_255_is_422(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        item = await make_item(client, headers)

        response = await client.patch(
            f"{ITEMS}/{item['id']}", json={"title": "t" * 256}, headers=headers
        )

        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "title"]]

    async def test_unknown_id_is_404(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.patch(
            f"{ITEMS}/{uuid.uuid4()}", json={"title": "Renamed"}, headers=headers
        )

        assert_problem(response, 404)
{%- if cookiecutter.auth == "jwt" %}

    async def test_another_users_item_answers_like_a_missing_one(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        theirs = await make_item(client, await auth_headers(client))

        hidden = await client.patch(
            f"{ITEMS}/{theirs['id']}", json={"title": "Hijacked"}, headers=headers
        )
        missing = await client.patch(
            f"{ITEMS}/{uuid.uuid4()}", json={"title": "Hijacked"}, headers=headers
        )

        assert_problem(hidden, 404)
        assert without_request_identity(hidden) == without_request_identity(missing)

    async def test_another_users_item_is_left_unchanged(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        owner = await auth_headers(client)
        theirs = await make_item(client, owner)
        await client.patch(f"{ITEMS}/{theirs['id']}", json={"title": "Hijacked"}, headers=headers)

        response = await client.get(f"{ITEMS}/{theirs['id']}", headers=owner)

        assert response.status_code == 200
        assert response.json() == {"data": theirs}

    async def test_without_token_is_401(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)

        response = await client.patch(f"{ITEMS}/{item['id']}", json={"title": "Anyone"})

        assert_unauthorized(response)
{%- endif %}


class TestDeleteItem:
    async def test_returns_204_and_the_item_is_gone(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        item = await make_item(client, headers)

        response = await client.delete(f"{ITEMS}/{item['id']}", headers=headers)

        assert response.status_code == 204
        assert response.content == b""
        assert_problem(await client.get(f"{ITEMS}/{item['id']}", headers=headers), 404)

    async def test_unknown_id_is_404(self, client: AsyncClient, headers: dict[str, str]) -> None:
        response = await client.delete(f"{ITEMS}/{uuid.uuid4()}", headers=headers)

        assert_problem(response, 404)
{%- if cookiecutter.auth == "jwt" %}

    async def test_another_users_item_answers_like_a_missing_one(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        theirs = await make_item(client, await auth_headers(client))

        hidden = await client.delete(f"{ITEMS}/{theirs['id']}", headers=headers)
        missing = await client.delete(f"{ITEMS}/{uuid.uuid4()}", headers=headers)

        assert_problem(hidden, 404)
        assert without_request_identity(hidden) == without_request_identity(missing)

    async def test_another_users_item_is_kept(
        self, client: AsyncClient, headers: dict[str, str]
    ) -> None:
        owner = await auth_headers(client)
        theirs = await make_item(client, owner)
        await client.delete(f"{ITEMS}/{theirs['id']}", headers=headers)

        response = await client.get(f"{ITEMS}/{theirs['id']}", headers=owner)

        assert response.status_code == 200

    async def test_without_token_is_401(self, client: AsyncClient, headers: dict[str, str]) -> None:
        item = await make_item(client, headers)

        response = await client.delete(f"{ITEMS}/{item['id']}")

        assert_unauthorized(response)


class TestDeletingTheOwner:
    async def test_deletes_its_items(
        self,
        client: AsyncClient,
        connection: AsyncConnection,
        me: dict[str, Any],
        headers: dict[str, str],
    ) -> None:
        await make_item(client, headers)
        await make_item(client, headers)

        response = await client.delete(f"/api/v1/users/{me['id']}", headers=headers)

        assert response.status_code == 204
        # No route can show another user's items, so the database itself is the witness.
        left = await connection.scalar(
            text("SELECT count(*) FROM items WHERE owner_id = :owner_id"), {"owner_id": me["id"]}
        )
        assert left == 0
{%- endif %}
