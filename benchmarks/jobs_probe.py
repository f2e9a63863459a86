"""Measure an arq bake's job path; run by harness/jobs.py with the bake's Python, in the bake.

Prints one JSON line: the cost of one enqueue as a request pays it (µs per call, median and
p99), and the throughput of one worker (the bake's WorkerSettings, in burst mode) for a no-op
job, for the same without the request-id lookup, and for the welcome job on seeded users.
"""

import asyncio
import json
import os
import statistics
import sys
import time
from typing import Any

import structlog
from arq.constants import result_key_prefix
from arq.worker import Worker, create_worker
from sqlalchemy import text
from src.config import get_settings
from src.database import create_engine
from src.jobs import Job, welcome_job
from src.jobs.queue import ArqJobQueue, connect
from src.logging_config import configure_logging
from src.worker import WorkerSettings, job

WORKER_SETTINGS: dict[str, Any] = dict(vars(WorkerSettings))


async def noop(ctx: dict[str, Any]) -> None:
    """Do nothing: what is left is the queue's own cost."""
    del ctx


def burst_worker(**overrides: object) -> Worker:
    """Return the bake's worker with the no-op job added, stopping once the queue is empty."""
    functions = (*WorkerSettings.functions, job(noop))
    options = {"functions": functions, "burst": True, "handle_signals": False, "cron_jobs": ()}
    return create_worker(WORKER_SETTINGS, **(options | overrides))


async def drain(worker: Worker, jobs: int) -> float:
    """Run the worker until the queue is empty; return jobs per second."""
    started = time.perf_counter()
    try:
        await worker.async_run()
    finally:
        await worker.close()
    elapsed = time.perf_counter() - started
    if worker.jobs_complete != jobs:
        msg = f"{worker.jobs_complete} of {jobs} jobs completed ({worker.jobs_failed} failed)"
        raise RuntimeError(msg)
    return jobs / elapsed


async def enqueue_cost(queue: ArqJobQueue, count: int, label: str) -> list[float]:
    """Queue `count` no-op jobs one after another; return each call's µs."""
    timings = []
    for number in range(count):
        started = time.perf_counter_ns()
        await queue.enqueue(Job("noop", f"{label}:{number}"))
        timings.append((time.perf_counter_ns() - started) / 1000)
    return timings


async def forget_results(queue: ArqJobQueue, count: int, users: list[Any]) -> None:
    """Delete the results the worker kept of every job this probe queued."""
    ids = [f"warm-up:{number}" for number in range(count // 10)]
    ids += [f"{label}:{number}" for label in ("noop", "noop-unbound") for number in range(count)]
    ids += [welcome_job(user_id).id for user_id in users]
    await queue.redis.delete(*[result_key_prefix + job_id for job_id in ids])


async def unwelcomed_users() -> list[Any]:
    """Return the ids of the seeded users."""
    engine = create_engine(get_settings())
    async with engine.connect() as connection:
        rows = await connection.scalars(text("SELECT id FROM users WHERE welcomed_at IS NULL"))
        ids = list(rows)
    await engine.dispose()
    return ids


async def measure(count: int) -> dict[str, float]:
    """Take every measurement; jobs are queued first, then one worker drains them."""
    queue = ArqJobQueue(connect(get_settings()))
    # As on the request path: the request id is bound, and the queue reads it.
    structlog.contextvars.bind_contextvars(request_id="bench")
    await enqueue_cost(queue, count // 10, "warm-up")
    await drain(burst_worker(), count // 10)
    timings = await enqueue_cost(queue, count, "noop")
    noop_rate = await drain(burst_worker(), count)
    await enqueue_cost(queue, count, "noop-unbound")
    unbound_rate = await drain(burst_worker(on_job_start=None), count)
    users = await unwelcomed_users()
    for user_id in users:
        await queue.enqueue(welcome_job(user_id))
    welcome_rate = await drain(burst_worker(), len(users))
    await forget_results(queue, count, users)
    await queue.close()
    return {
        "enqueue_median_us": statistics.median(timings),
        "enqueue_p99_us": statistics.quantiles(timings, n=100)[98],
        "noop_jobs_per_second": noop_rate,
        "noop_without_request_id_lookup_jobs_per_second": unbound_rate,
        "welcome_jobs_per_second": welcome_rate,
        "welcome_jobs": len(users),
    }


def main() -> int:
    """Measure, with the worker's logs going where a log shipper would read them (a file)."""
    with open(os.environ.get("BENCH_JOBS_LOG", os.devnull), "w") as log:  # noqa: PTH123
        configure_logging(get_settings(), stream=log)
        result = asyncio.run(measure(int(sys.argv[1])))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
