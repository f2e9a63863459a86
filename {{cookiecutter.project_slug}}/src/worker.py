"""The job worker: `uv run arq src.worker.WorkerSettings`.

A job calls a service inside a unit of work of its own, as a request does, and every log line
of a job carries its name, id, try and the id of the request that queued it. Transient
failures (database or Redis out of reach) are tried again with exponential backoff. On SIGTERM
the worker takes no new job and gives running ones SHUTDOWN_GRACE_SECONDS to finish; any still
running then is cancelled, rolled back and left in the queue for the next worker.
"""

import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from arq import Retry, cron
from arq.constants import job_key_prefix
from arq.jobs import deserialize_job
from arq.worker import Function, func
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from src.config import Settings, get_settings, load_settings
from src.database import Database
from src.errors import NotFoundError, ServiceUnavailableError
from src.jobs.queue import ArqJobQueue, deserialize, serialize, worker_redis_settings
from src.logging_config import configure_logging
from src.repositories.welcome import WelcomeRepository
from src.services.welcome import WelcomeService

log = structlog.get_logger()

type JobContext = dict[str, Any]
type JobFunction = Callable[..., Awaitable[object]]

# Failures that another try may cure: the database or Redis unreachable, a pool timeout.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    ServiceUnavailableError,
)
MAX_TRIES = 8
RETRY_BASE_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0
JOB_TIMEOUT_SECONDS = 30
# Longer than any job may run, so a job in flight at SIGTERM can finish.
SHUTDOWN_GRACE_SECONDS = JOB_TIMEOUT_SECONDS + 5
RESOURCES = "resources"


@dataclass(frozen=True)
class Resources:
    """What jobs share, built when the worker starts."""

    database: Database
    jobs: ArqJobQueue


def resources(ctx: JobContext) -> Resources:
    """Return the resources `startup` put in arq's context."""
    found: Resources = ctx[RESOURCES]
    return found


async def startup(ctx: JobContext) -> None:
    """Build the database and job queue from Settings (or ctx["settings"], as tests do)."""
    settings: Settings = ctx.get("settings") or get_settings()
    # arq's command line gives its logger a plain-text handler; ours (the root's) take over.
    logging.getLogger("arq").handlers.clear()
    ctx[RESOURCES] = Resources(Database(settings), ArqJobQueue(ctx["redis"]))
    log.info("worker_started", queue=settings.job_queue_name)


async def shutdown(ctx: JobContext) -> None:
    """Close every database connection of the worker."""
    await resources(ctx).database.dispose()
    log.info("worker_stopped")


async def bind_job_context(ctx: JobContext) -> None:
    """Put the job's name, id and try, and the queuing request's id, on all its log lines."""
    stored = await ctx["redis"].get(job_key_prefix + ctx["job_id"])
    job = deserialize_job(stored, deserializer=deserialize) if stored else None
    structlog.contextvars.bind_contextvars(
        job=job.function if job else None,
        job_id=ctx["job_id"],
        job_try=ctx["job_try"],
        request_id=job.kwargs.get("request_id") if job else None,
    )


def backoff(job_try: int) -> float:
    """Seconds to wait after a failed try: 1, 2, 4, ... up to a minute."""
    return min(RETRY_BASE_SECONDS * 2.0 ** (job_try - 1), RETRY_MAX_SECONDS)


def job(
    function: JobFunction, *, retry_on: tuple[type[Exception], ...] = TRANSIENT_ERRORS
) -> Function:
    """Register a job function: transient failures are retried, the request id is dropped."""

    @functools.wraps(function)
    async def run(
        ctx: JobContext, *args: object, request_id: str | None = None, **kwargs: object
    ) -> object:
        del request_id  # Already on every log line (bind_job_context).
        try:
            return await function(ctx, *args, **kwargs)
        except retry_on as exc:
            delay = backoff(ctx["job_try"])
            log.warning("job_retry_scheduled", error=repr(exc), retry_in_seconds=delay)
            raise Retry(defer=delay) from exc

    return func(run, name=function.__name__, timeout=JOB_TIMEOUT_SECONDS, max_tries=MAX_TRIES)


@asynccontextmanager
async def welcome_service(ctx: JobContext) -> AsyncIterator[WelcomeService]:
    """Provide the welcome service inside a unit of work of its own."""
    async with resources(ctx).database.unit_of_work() as session:
        yield WelcomeService(WelcomeRepository(session), resources(ctx).jobs)


async def send_welcome(ctx: JobContext, user_id: str) -> None:
    """Welcome a new user."""
    async with welcome_service(ctx) as welcomes:
        await welcomes.welcome(uuid.UUID(user_id))


async def enqueue_missed_welcomes(ctx: JobContext) -> int:
    """Queue the welcomes that never ran (say, lost with Redis' memory); return how many."""
    async with welcome_service(ctx) as welcomes:
        return await welcomes.enqueue_missed()


class WorkerSettings:
    """What `arq src.worker.WorkerSettings` runs: arq reads these class attributes."""

    redis_settings = worker_redis_settings(load_settings())
    queue_name = load_settings().job_queue_name
    # A user not found yet is retried too: the job may overtake its sign-up's commit.
    functions = (job(send_welcome, retry_on=(*TRANSIENT_ERRORS, NotFoundError)),)
    # Every worker queues each tick under one job id, made from the name: named after the
    # queue, so that services sharing a Redis do not take each other's ticks.
    cron_jobs = (
        cron(
            enqueue_missed_welcomes,
            name=f"{queue_name}:enqueue_missed_welcomes",
            minute=set(range(0, 60, 10)),
        ),
    )
    on_startup = startup
    on_shutdown = shutdown
    on_job_start = bind_job_context
    job_serializer = serialize
    job_deserializer = deserialize
    job_timeout = JOB_TIMEOUT_SECONDS
    # A worker takes at most 100 jobs per poll of the queue: at arq's default 0.5 s, one
    # worker topped out at 200 no-op jobs/s and a job waited up to 0.5 s to start; 0.1 s
    # more than doubled that (benchmarks/jobs_probe.py) for ten cheap Redis reads a second.
    poll_delay = 0.1
    max_tries = MAX_TRIES
    job_completion_wait = SHUTDOWN_GRACE_SECONDS
    # The worker renews a Redis key this often (it expires a second later), so that
    # `arq --check src.worker.WorkerSettings` tells a live worker from a dead one.
    health_check_interval = 60


configure_logging(load_settings())
