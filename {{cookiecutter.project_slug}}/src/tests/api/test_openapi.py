"""The OpenAPI document, as client generators read it."""

from typing import Any

from httpx import AsyncClient

from src.config import Settings
from src.main import create_app
from src.tests.conftest import Serve


async def operations(client: AsyncClient) -> dict[str, dict[str, Any]]:
    """Return every operation of the served document, keyed `METHOD /path`."""
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return {
        f"{method.upper()} {path}": operation
        for path, item in response.json()["paths"].items()
        for method, operation in item.items()
    }


async def test_operation_ids_are_the_tag_and_the_function_name(client: AsyncClient) -> None:
    ids = {key: operation["operationId"] for key, operation in (await operations(client)).items()}

    assert ids["POST /api/v1/users"] == "users-create_user"
    assert ids["GET /api/v1/items/{item_id}"] == "items-read_item"
    assert ids["GET /health/live"] == "health-live"


async def test_every_operation_id_is_unique_and_starts_with_its_tag(client: AsyncClient) -> None:
    found = (await operations(client)).values()
    ids = [operation["operationId"] for operation in found]

    assert len(set(ids)) == len(ids)
    assert all(op["operationId"].startswith(f"{op['tags'][0]}-") for op in found)


async def test_an_untagged_operation_is_named_after_its_function(
    serve: Serve, test_settings: Settings
) -> None:
    app = create_app(test_settings)

    async def ping() -> None:
        """Answer nothing."""

    app.add_api_route("/ping", ping)
    async with serve(app) as client:
        found = await operations(client)

    assert found["GET /ping"]["operationId"] == "ping"
