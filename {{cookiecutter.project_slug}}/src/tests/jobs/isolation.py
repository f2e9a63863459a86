"""How a test run keeps its jobs to itself on a Redis that other runs share.

arq keys a job by its id alone (`arq:job:<id>`, `arq:result:<id>`, `arq:retry:<id>`,
`arq:in-progress:<id>`), and a worker takes job ids from one sorted set: its queue. Each test
run, and each xdist worker of a run, has a queue of its own (its REDIS_PREFIX ends in a random
token, see conftest.py), and every job id a run creates is its own: it holds a user id
(uuid4), a uuid4 of the test's own, or the queue's name (cron ticks). So a run's worker never
reads another run's queue, and no two runs write the same key. Each test that runs the worker
starts from an empty queue (jobs that earlier tests queued name users their rollback removed),
and `forget_queue` deletes what the run left behind.
"""

from arq.connections import ArqRedis
from arq.constants import (
    health_check_key_suffix,
    in_progress_key_prefix,
    job_key_prefix,
    result_key_prefix,
    retry_key_prefix,
)

from src.jobs.queue import deserialize

JOB_KEY_PREFIXES = (job_key_prefix, retry_key_prefix, in_progress_key_prefix)


async def empty_queue(redis: ArqRedis, queue: str) -> None:
    """Delete the queue and the jobs still in it."""
    unrun = [job_id.decode() for job_id in await redis.zrange(queue, 0, -1)]
    await redis.delete(queue, *[prefix + job_id for job_id in unrun for prefix in JOB_KEY_PREFIXES])


async def forget_queue(redis: ArqRedis, queue: str) -> None:
    """Delete the queue, the jobs still in it, and the results of the jobs it held."""
    await empty_queue(redis, queue)
    results = [
        key
        async for key in redis.scan_iter(match=f"{result_key_prefix}*", count=1000)
        # Results name their queue; those of other runs are left alone.
        if (stored := await redis.get(key)) and deserialize(stored).get("q") == queue
    ]
    await redis.delete(queue + health_check_key_suffix, *results)
