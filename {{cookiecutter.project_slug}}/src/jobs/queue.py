"""The job queue on Redis, through arq: the API enqueues with it, the worker reads from it."""

import math
from typing import Any

import orjson
import structlog
from arq.connections import ArqRedis, RedisSettings
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from src.config import Settings
from src.errors import ServiceUnavailableError
from src.jobs import Job

log = structlog.get_logger()

UNREACHABLE = "The job queue cannot be reached; try again shortly."


def serialize(data: dict[str, Any]) -> bytes:
    """Encode a job or its result as JSON; a failed job's exception is kept as its repr.

    JSON rather than arq's default pickle: whoever can write to Redis must not be able to run
    code in the worker.
    """
    return orjson.dumps(data, default=repr)


def deserialize(data: bytes) -> dict[str, Any]:
    """Decode what `serialize` wrote."""
    decoded: dict[str, Any] = orjson.loads(data)
    return decoded


def connect(settings: Settings) -> ArqRedis:
    """Return a client of REDIS_URL that connects on first use and waits for no answer long."""
    pool = ConnectionPool.from_url(
        settings.REDIS_URL.get_secret_value(),
        socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
        socket_timeout=settings.REDIS_TIMEOUT_SECONDS,
    )
    return ArqRedis(
        pool,
        job_serializer=serialize,
        job_deserializer=deserialize,
        default_queue_name=settings.job_queue_name,
    )


def worker_redis_settings(settings: Settings) -> RedisSettings:
    """Return arq's connection settings for the worker, from REDIS_URL."""
    redis = RedisSettings.from_dsn(settings.REDIS_URL.get_secret_value())
    redis.conn_timeout = math.ceil(settings.REDIS_TIMEOUT_SECONDS)
    return redis


class ArqJobQueue:
    """The JobQueue services use: Redis down means a 503 within the timeout, never a hang."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis

    async def enqueue(self, job: Job) -> bool:
        """Queue the job with the caller's request id; say whether it was new."""
        # The worker binds this id on every log line of the job.
        context = structlog.contextvars.get_contextvars()
        arguments: dict[str, Any] = {**job.arguments, "request_id": context.get("request_id")}
        try:
            queued = await self.redis.enqueue_job(job.name, _job_id=job.id, **arguments)
        except (RedisError, OSError) as exc:
            log.error("job_queue_unreachable", job=job.name, job_id=job.id, error=repr(exc))
            raise ServiceUnavailableError(UNREACHABLE) from exc
        if queued is None:
            log.info("job_already_queued", job=job.name, job_id=job.id)
            return False
        log.info("job_enqueued", job=job.name, job_id=job.id)
        return True

    async def reachable(self) -> bool:
        """Ping Redis; False when it does not answer within the timeout."""
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        """Close every connection to Redis."""
        await self.redis.aclose(close_connection_pool=True)
