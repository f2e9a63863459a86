"""Request ids, the access line, and the last-resort 500."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from src.config import Settings
from src.main import create_app
from src.tests.conftest import LogReader
from src.tests.factories import user_body


class TestRequestId:
    async def test_generated_when_absent(self, client: AsyncClient) -> None:
        response = await client.get("/health/live")

        assert response.status_code == 200
        assert len(response.headers["x-request-id"]) == 32

    async def test_safe_inbound_value_is_kept(self, client: AsyncClient) -> None:
        response = await client.get("/health/live", headers={"X-Request-ID": "trace-42.a_b:c"})

        assert response.headers["x-request-id"] == "trace-42.a_b:c"

    @pytest.mark.parametrize(
        "unsafe",
        ["", "has space", "new\r\nline", "<script>", "x" * 129, "caf\u00e9"],
        ids=["empty", "space", "crlf", "markup", "too-long", "non-ascii"],
    )
    async def test_unsafe_inbound_value_is_replaced(self, client: AsyncClient, unsafe: str) -> None:
        response = await client.get(
            "/health/live", headers=[(b"X-Request-ID", unsafe.encode("utf-8"))]
        )

        assert response.headers["x-request-id"] != unsafe
        assert len(response.headers["x-request-id"]) == 32

    async def test_problem_body_carries_the_same_id(self, client: AsyncClient) -> None:
        response = await client.get("/no/such/route", headers={"X-Request-ID": "abc-123"})

        assert response.status_code == 404
        assert response.json()["request_id"] == "abc-123"


class TestAccessLog:
    async def test_one_line_per_request(self, client: AsyncClient, logs: LogReader) -> None:
        await client.get("/health/live", headers={"X-Request-ID": "one-line"})

        lines = [line for line in logs() if line["event"] == "http_request"]
        assert len(lines) == 1
        assert lines[0]["request_id"] == "one-line"
        assert lines[0]["status_code"] == 200
        assert lines[0]["path"] == "/health/live"

    async def test_every_line_of_a_request_carries_its_id(
        self, client: AsyncClient, logs: LogReader
    ) -> None:
        await client.post(
            "/api/v1/users",
            json=user_body(),
            headers={"X-Request-ID": "tagged"},
        )

        lines = logs()
        assert {line["event"] for line in lines} >= {"user_created", "http_request"}
        assert all(line["request_id"] == "tagged" for line in lines)


def app_with_failing_route(settings: Settings) -> FastAPI:
    """A fresh application with one route that crashes with a revealing message."""
    app = create_app(settings)

    async def crash() -> None:
        msg = "secret detail from /srv/app/internal.py"
        raise RuntimeError(msg)

    app.add_api_route("/crash", crash)
    return app


class TestUnexpectedErrors:
    @pytest.fixture
    async def crash_client(self, test_settings: Settings) -> AsyncIterator[AsyncClient]:
        transport = ASGITransport(app=app_with_failing_route(test_settings))
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            yield client

    async def test_answer_is_a_generic_500_problem(self, crash_client: AsyncClient) -> None:
        response = await crash_client.get("/crash")

        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["detail"] == "An unexpected error occurred."
        assert body["request_id"] == response.headers["x-request-id"]

    async def test_answer_leaks_nothing(self, crash_client: AsyncClient) -> None:
        response = await crash_client.get("/crash")

        for leak in ("secret detail", "RuntimeError", "Traceback", "/srv/app", ".py"):
            assert leak not in response.text

    async def test_traceback_is_logged_with_the_request_id(
        self, crash_client: AsyncClient, logs: LogReader
    ) -> None:
        response = await crash_client.get("/crash", headers={"X-Request-ID": "crash-1"})

        errors = [line for line in logs() if line["event"] == "unhandled_exception"]
        assert response.status_code == 500
        assert len(errors) == 1
        assert errors[0]["request_id"] == "crash-1"
        assert "RuntimeError: secret detail" in errors[0]["exception"]
        assert errors[0]["level"] == "error"


class TestRoutingErrors:
    async def test_unknown_route_is_a_404_problem(self, client: AsyncClient) -> None:
        response = await client.get("/no/such/route")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "Not Found",
            "instance": "/no/such/route",
            "request_id": response.headers["x-request-id"],
        }

    async def test_wrong_method_is_a_405_problem(self, client: AsyncClient) -> None:
        response = await client.put("/health/live")

        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 405

    async def test_malformed_json_is_a_422_problem(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/v1/users", content=b"{not json", headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["type"] == "json_invalid"
