"""The worker: jobs queued through HTTP run in it, once, with the request's id on their lines."""

import asyncio
import dataclasses
import os
import signal
import sys
import uuid
from typing import Any

import orjson
import pytest
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, job_key_prefix
from arq.worker import create_worker
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import QueuePool

from src.config import Settings
from src.jobs import WELCOME, welcome_job
from src.jobs.queue import ArqJobQueue, worker_redis_settings
from src.tests.conftest import LogReader
from src.tests.database import PROJECT_ROOT
from src.tests.factories import create_user, user_body
from src.tests.jobs.conftest import WORKER_SETTINGS, MakeWorker, run_until_empty
from src.worker import SHUTDOWN_GRACE_SECONDS, WorkerSettings, backoff, resources


async def welcomed_at(connection: AsyncConnection, user_id: str) -> object:
    """Return the user's welcomed_at column, straight from the database."""
    query = text("SELECT welcomed_at FROM users WHERE id = :id")
    return await connection.scalar(query, {"id": uuid.UUID(user_id)})


def job_lines(logs: LogReader, job_id: str) -> list[dict[str, Any]]:
    """Return the log lines the worker wrote while running this job."""
    return [line for line in logs() if line.get("job_id") == job_id and "job_try" in line]


async def wait_for_event(logs: LogReader, event: str) -> None:
    """Wait until a log line with this event appears (at most ten seconds)."""
    for _ in range(1000):
        if any(line["event"] == event for line in logs()):
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"no {event} line was logged")


class TestWelcomeJob:
    async def test_a_new_user_is_welcomed_by_the_worker(
        self, client: AsyncClient, connection: AsyncConnection, make_worker: MakeWorker
    ) -> None:
        user = await create_user(client)

        await run_until_empty(make_worker())

        assert await welcomed_at(connection, user["id"]) is not None

    async def test_the_worker_logs_the_welcomed_user(
        self, client: AsyncClient, make_worker: MakeWorker, logs: LogReader
    ) -> None:
        user = await create_user(client)

        await run_until_empty(make_worker())

        welcomed = [line for line in logs() if line["event"] == "user_welcomed"]
        assert [line["user_id"] for line in welcomed] == [user["id"]]

    async def test_the_request_logs_the_job_id(self, client: AsyncClient, logs: LogReader) -> None:
        user = await create_user(client)

        queued = [line for line in logs() if line["event"] == "job_enqueued"]
        assert [line["job_id"] for line in queued] == [f"welcome:{user['id']}"]

    async def test_every_worker_line_of_the_job_carries_the_request_id(
        self, client: AsyncClient, make_worker: MakeWorker, logs: LogReader
    ) -> None:
        response = await client.post(
            "/api/v1/users",
            json=user_body(),
            headers={"X-Request-ID": "sign-up-42"},
        )

        await run_until_empty(make_worker())

        assert response.status_code == 201
        lines = job_lines(logs, f"welcome:{response.json()['data']['id']}")
        assert {line["event"] for line in lines} >= {"user_welcomed"}
        assert len(lines) >= 3  # arq's start and end lines, and the job's own
        assert {line["request_id"] for line in lines} == {"sign-up-42"}
        assert {line["job"] for line in lines} == {WELCOME}

    async def test_a_double_enqueue_runs_once(
        self,
        client: AsyncClient,
        make_worker: MakeWorker,
        logs: LogReader,
        job_queue: ArqJobQueue,
    ) -> None:
        user = await create_user(client)

        queued_again = await job_queue.enqueue(welcome_job(uuid.UUID(user["id"])))
        await run_until_empty(make_worker())

        assert queued_again is False
        assert [line["event"] for line in logs()].count("user_welcomed") == 1

    async def test_running_it_twice_welcomes_once(
        self,
        client: AsyncClient,
        connection: AsyncConnection,
        make_worker: MakeWorker,
        logs: LogReader,
        job_queue: ArqJobQueue,
    ) -> None:
        user = await create_user(client)
        await run_until_empty(make_worker())
        first = await welcomed_at(connection, user["id"])
        again = dataclasses.replace(welcome_job(uuid.UUID(user["id"])), id=f"again:{uuid.uuid4()}")

        await job_queue.enqueue(again)
        await run_until_empty(make_worker())

        events = [line["event"] for line in logs()]
        assert events.count("user_welcomed") == 1
        assert events.count("user_already_welcomed") == 1
        assert await welcomed_at(connection, user["id"]) == first


class TestRetries:
    async def test_an_unreachable_database_is_retried_after_a_backoff(
        self,
        client: AsyncClient,
        connection: AsyncConnection,
        make_worker: MakeWorker,
        logs: LogReader,
    ) -> None:
        user = await create_user(client)
        # Port 1 on localhost refuses connections at once: the database is "down".
        down = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
        worker = make_worker(bind=down)
        running = asyncio.create_task(run_until_empty(worker))

        await wait_for_event(logs, "job_retry_scheduled")
        resources(worker.ctx).database.sessions.kw["bind"] = connection  # The database is back.
        await running
        await down.dispose()

        retry = next(line for line in logs() if line["event"] == "job_retry_scheduled")
        welcomed = next(line for line in logs() if line["event"] == "user_welcomed")
        assert (retry["job_try"], retry["retry_in_seconds"]) == (1, backoff(1))
        assert welcomed["job_try"] == 2
        assert await welcomed_at(connection, user["id"]) is not None

    async def test_a_user_not_committed_yet_is_welcomed_on_a_later_try(
        self,
        client: AsyncClient,
        connection: AsyncConnection,
        make_worker: MakeWorker,
        logs: LogReader,
    ) -> None:
        user = await create_user(client)
        # The worker overtakes the sign-up: its user is not visible until the savepoint ends.
        not_yet_committed = await connection.begin_nested()
        hide = text("DELETE FROM users WHERE id = :id")
        await connection.execute(hide, {"id": uuid.UUID(user["id"])})
        running = asyncio.create_task(run_until_empty(make_worker()))

        await wait_for_event(logs, "job_retry_scheduled")
        await not_yet_committed.rollback()  # The sign-up commits.
        await running

        retry = next(line for line in logs() if line["event"] == "job_retry_scheduled")
        assert retry["error"] == "NotFoundError('User not found.')"
        assert await welcomed_at(connection, user["id"]) is not None

    def test_backoff_doubles_up_to_a_minute(self) -> None:
        assert [backoff(job_try) for job_try in (1, 2, 3, 4, 7, 8)] == [1, 2, 4, 8, 60, 60]


class TestMissedWelcomes:
    async def test_the_sweep_queues_a_welcome_the_queue_lost(
        self,
        client: AsyncClient,
        connection: AsyncConnection,
        make_worker: MakeWorker,
        redis: ArqRedis,
        settings: Settings,
    ) -> None:
        user = await create_user(client)
        job_id = f"welcome:{user['id']}"
        # Redis lost the job (restarted without persistence), and the user signed up a while ago.
        await redis.zrem(settings.job_queue_name, job_id)
        await redis.delete(job_key_prefix + job_id)
        await connection.execute(
            text("UPDATE users SET created_at = now() - interval '1 hour' WHERE id = :id"),
            {"id": uuid.UUID(user["id"])},
        )
        # The real cron job, renamed for this run (its job id derives from the name) and due now.
        (sweep,) = WorkerSettings.cron_jobs
        name = f"{sweep.name}:{uuid.uuid4()}"
        due_now = dataclasses.replace(sweep, name=name, run_at_startup=True)

        await run_until_empty(make_worker(cron_jobs=[due_now]))

        assert await welcomed_at(connection, user["id"]) is not None
        # arq keeps a cron job's in-progress key a minute; this run's is gone at once.
        in_progress = redis.scan_iter(f"{in_progress_key_prefix}{name}*")
        await redis.delete(*[key async for key in in_progress])

    def test_the_sweep_runs_every_ten_minutes(self) -> None:
        (sweep,) = WorkerSettings.cron_jobs

        assert sweep.minute == set(range(0, 60, 10))
        assert sweep.unique  # One run per tick, however many workers there are.

    def test_the_sweep_is_named_after_the_queue(self) -> None:
        (sweep,) = WorkerSettings.cron_jobs

        assert sweep.name.startswith(f"{WorkerSettings.queue_name}:")


class TestShutdown:
    def test_a_job_in_flight_at_sigterm_has_time_to_finish(self) -> None:
        timeouts: list[float] = [WorkerSettings.job_timeout]
        timeouts += [function.timeout_s or 0 for function in WorkerSettings.functions]
        timeouts += [cron_job.timeout_s or 0 for cron_job in WorkerSettings.cron_jobs]

        assert max(timeouts) < SHUTDOWN_GRACE_SECONDS

    async def test_startup_builds_the_engine_from_settings_and_shutdown_closes_it(
        self, test_settings: Settings
    ) -> None:
        ctx: dict[str, Any] = {"settings": test_settings}
        worker = create_worker(
            WORKER_SETTINGS,
            queue_name=f"{test_settings.job_queue_name}:{uuid.uuid4()}",  # Empty, and stays so.
            redis_settings=worker_redis_settings(test_settings),
            ctx=ctx,
            burst=True,
            handle_signals=False,
            cron_jobs=(),
        )
        await worker.async_run()
        engine = resources(ctx).database.engine
        async with engine.connect():
            pass  # The connection goes back to the pool.
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        pooled = pool.checkedin()

        await worker.close()

        url = engine.url.render_as_string(hide_password=False)
        assert url == test_settings.DATABASE_URL.get_secret_value()
        assert (pooled, pool.checkedin()) == (1, 0)


# `uv run arq src.worker.WorkerSettings`, in this environment.
ARQ = (sys.executable, "-m", "arq", "src.worker.WorkerSettings")


async def test_the_command_line_worker_logs_json_and_stops_cleanly_on_sigterm(
    test_settings: Settings,
) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": test_settings.DATABASE_URL.get_secret_value(),
        "REDIS_PREFIX": f"{test_settings.REDIS_PREFIX}:{uuid.uuid4()}",
        "LOG_JSON": "",  # Decided by the stream: JSON, as stdout is a pipe here.
    }
    worker = await asyncio.create_subprocess_exec(
        *ARQ,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert worker.stdout is not None
    async with asyncio.timeout(60):
        lines = [orjson.loads(await worker.stdout.readline())]
        while lines[-1]["event"] != "worker_started":
            lines.append(orjson.loads(await worker.stdout.readline()))
        check = await asyncio.create_subprocess_exec(
            *ARQ, "--check", cwd=PROJECT_ROOT, env=environment, stdout=asyncio.subprocess.DEVNULL
        )
        checked = await check.wait()
        worker.send_signal(signal.SIGTERM)
        rest, _ = await worker.communicate()

    lines += [orjson.loads(line) for line in rest.splitlines()]
    assert checked == 0  # The health check a container runs finds the worker alive.
    assert worker.returncode == 0
    assert lines[-1]["event"] == "worker_stopped"


def test_the_job_services_queue_is_registered() -> None:
    registered = [function.name for function in WorkerSettings.functions]

    assert welcome_job(uuid.uuid4()).name in registered
