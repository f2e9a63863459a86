"""Cross-origin requests: only the configured origins."""

from httpx import ASGITransport, AsyncClient

from src.config import Settings
from src.main import create_app

ALLOWED = "https://app.example"


async def preflight(settings: Settings, origin: str) -> dict[str, str]:
    """Send a CORS preflight from `origin` and return the response headers."""
    app = create_app(settings.model_copy(update={"CORS_ORIGINS": [ALLOWED]}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        response = await client.options(
            "/api/v1/items",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
    return dict(response.headers)


async def test_configured_origin_is_allowed(settings: Settings) -> None:
    headers = await preflight(settings, ALLOWED)

    assert headers["access-control-allow-origin"] == ALLOWED


async def test_unknown_origin_gets_no_allow_header(settings: Settings) -> None:
    headers = await preflight(settings, "https://evil.example")

    assert "access-control-allow-origin" not in headers
