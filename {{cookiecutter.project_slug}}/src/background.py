"""In-process work after the response (FastAPI's BackgroundTasks), done safely.

Starlette runs a background task once the response is sent, when the request's unit of work
is already closed. So each task opens a unit of work of its own (`Database.unit_of_work`),
logs its failure instead of raising it (the client has its answer already) and logs with the
id of the request that scheduled it. The work is lost if the process stops before it runs:
{%- if cookiecutter.background_jobs == "arq" %}
work that must happen belongs in the job queue (`src/jobs`, run by `src/worker.py`).
{%- else %}
work that must happen belongs in a durable job queue.
{%- endif %}
"""

from collections.abc import Awaitable, Callable

import structlog
from fastapi import BackgroundTasks

log = structlog.get_logger()


def run_after_response[**P](
    tasks: BackgroundTasks, work: Callable[P, Awaitable[None]], *args: P.args, **kwargs: P.kwargs
) -> None:
    """Run `work(*args, **kwargs)` after the response, with the request's id; log, never raise."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")

    async def run() -> None:
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await work(*args, **kwargs)
            except Exception:
                log.exception("background_task_failed", task=getattr(work, "__qualname__", "?"))

    tasks.add_task(run)
