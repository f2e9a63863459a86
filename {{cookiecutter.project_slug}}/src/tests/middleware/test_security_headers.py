"""Browser-hardening headers."""

from httpx import ASGITransport, AsyncClient

from src.config import Settings
from src.main import create_app


async def test_every_response_is_hardened(client: AsyncClient) -> None:
    for path in ("/health/live", "/no/such/route"):
        response = await client.get(path)

        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


async def test_no_hsts_outside_production(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert "strict-transport-security" not in response.headers


async def test_hsts_in_production(production_settings: Settings) -> None:
    app = create_app(production_settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="https://t") as client:
        response = await client.get("/health/live")

    assert response.headers["strict-transport-security"].startswith("max-age=63072000")
