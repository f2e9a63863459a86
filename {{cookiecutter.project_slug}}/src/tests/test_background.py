"""Work after the response: its own unit of work, failures logged not answered, request id kept."""

import asyncio

from fastapi import BackgroundTasks, FastAPI
from httpx import AsyncClient

from src.background import run_after_response
from src.config import Settings
from src.main import create_app
from src.tests.conftest import LogReader, Serve
from src.tests.factories import create_user, user_body

SLOW_SECONDS = 0.3


async def explode() -> None:
    """Background work that fails."""
    msg = "the mail server is down"
    raise RuntimeError(msg)


async def take_a_while() -> None:
    """Background work that takes longer than any answer."""
    await asyncio.sleep(SLOW_SECONDS)


def app_with_background_work(settings: Settings) -> FastAPI:
    """An application with two extra routes that schedule work after their response."""
    app = create_app(settings)

    async def fail_later(background: BackgroundTasks) -> dict[str, bool]:
        run_after_response(background, explode)
        return {"scheduled": True}

    async def work_later(background: BackgroundTasks) -> dict[str, bool]:
        run_after_response(background, take_a_while)
        return {"scheduled": True}

    app.add_api_route("/fail-later", fail_later, methods=["POST"])
    app.add_api_route("/work-later", work_later, methods=["POST"])
    return app


async def test_sign_up_counts_users_after_the_response(
    client: AsyncClient, logs: LogReader
) -> None:
    await create_user(client)

    counted = [line for line in logs() if line["event"] == "users_counted"]
    assert [line["total"] for line in counted] == [1]


async def test_the_count_carries_the_request_id(client: AsyncClient, logs: LogReader) -> None:
    response = await client.post(
        "/api/v1/users",
        json=user_body(),
        headers={"X-Request-ID": "count-1"},
    )

    counted = [line for line in logs() if line["event"] == "users_counted"]
    assert response.status_code == 201
    assert [line["request_id"] for line in counted] == ["count-1"]


async def test_a_failure_is_logged_and_the_answer_stands(
    serve: Serve, test_settings: Settings, logs: LogReader
) -> None:
    async with serve(app_with_background_work(test_settings)) as client:
        response = await client.post("/fail-later", headers={"X-Request-ID": "fail-1"})

    failures = [line for line in logs() if line["event"] == "background_task_failed"]
    assert response.status_code == 200
    assert response.json() == {"scheduled": True}
    assert len(failures) == 1
    assert failures[0]["request_id"] == "fail-1"
    assert failures[0]["task"] == "explode"
    assert "RuntimeError: the mail server is down" in failures[0]["exception"]


async def test_the_access_line_times_the_answer_not_the_work_after_it(
    serve: Serve, test_settings: Settings, logs: LogReader
) -> None:
    async with serve(app_with_background_work(test_settings)) as client:
        response = await client.post("/work-later")

    (access,) = [line for line in logs() if line["event"] == "http_request"]
    assert response.status_code == 200
    assert access["duration_ms"] < SLOW_SECONDS * 1000
