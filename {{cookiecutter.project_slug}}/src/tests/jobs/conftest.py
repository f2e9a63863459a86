"""The worker, run in this process on this run's queue, its jobs inside the test's transaction."""

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.worker import Worker, create_worker
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from src.config import Settings
from src.jobs.queue import ArqJobQueue, connect, worker_redis_settings
from src.tests.jobs.isolation import empty_queue
from src.worker import JobContext, WorkerSettings, resources, startup

type MakeWorker = Callable[..., Worker]

# What arq's command line reads from the class, as the plain mapping its function also takes.
WORKER_SETTINGS: dict[str, Any] = dict(vars(WorkerSettings))


@pytest.fixture
def job_queue(app: FastAPI) -> ArqJobQueue:
    """The job queue of the application under test."""
    queue: ArqJobQueue = app.state.job_queue
    return queue


@pytest.fixture
async def redis(test_settings: Settings) -> AsyncIterator[ArqRedis]:
    """A client of the run's Redis, to look at the queue the way the worker does."""
    client = connect(test_settings)
    yield client
    await client.aclose(close_connection_pool=True)


@pytest.fixture
async def make_worker(
    test_settings: Settings,
    connection: AsyncConnection,
    redis: ArqRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> MakeWorker:
    """Return `make_worker(bind=..., **overrides)`: the real WorkerSettings in burst mode.

    Burst mode stops the worker once the queue is empty. Its jobs run one at a time on the
    test's connection (`bind` may name another engine), their commits becoming savepoints.
    The queue starts empty: jobs earlier tests queued name users that were rolled back.
    """
    await empty_queue(redis, test_settings.job_queue_name)

    def make(*, bind: AsyncConnection | AsyncEngine = connection, **overrides: Any) -> Worker:
        async def startup_in_the_test_transaction(ctx: JobContext) -> None:
            await startup(ctx)
            sessions = resources(ctx).database.sessions
            monkeypatch.setitem(sessions.kw, "bind", bind)
            monkeypatch.setitem(sessions.kw, "join_transaction_mode", "create_savepoint")

        options: dict[str, Any] = {
            "queue_name": test_settings.job_queue_name,
            "redis_settings": worker_redis_settings(test_settings),
            "ctx": {"settings": test_settings},
            "on_startup": startup_in_the_test_transaction,
            "burst": True,
            "handle_signals": False,
            "poll_delay": 0.01,
            "max_jobs": 1,  # One connection: jobs must not use it at the same time.
            "cron_jobs": (),
        }
        return create_worker(WORKER_SETTINGS, **(options | overrides))

    return make


async def run_until_empty(worker: Worker) -> None:
    """Run the worker until its queue is empty, then shut it down as on SIGTERM."""
    try:
        await worker.async_run()
    finally:
        await worker.close()
