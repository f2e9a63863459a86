"""Durable jobs, as services see them: a job to run later, and the queue that takes it.

Services depend on `JobQueue` only, never on arq or Redis: `src/jobs/queue.py` puts jobs on
Redis with arq, and the worker (`src/worker.py`) runs them.
"""

import uuid
from dataclasses import dataclass, field
from typing import Protocol

# Jobs travel as JSON. The queue adds `request_id` to every job's arguments.
type JobArgument = str | int | float | bool | None

WELCOME = "send_welcome"


@dataclass(frozen=True)
class Job:
    """A job function's name, an id that makes it unique, and its JSON-friendly arguments."""

    name: str
    id: str
    arguments: dict[str, JobArgument] = field(default_factory=dict)


class JobQueue(Protocol):
    """Where services put work for the worker."""

    async def enqueue(self, job: Job) -> bool:
        """Queue the job unless one with its id is queued, running or recently done."""
        ...

    async def reachable(self) -> bool:
        """Tell whether the queue answers right now."""
        ...


def welcome_job(user_id: uuid.UUID) -> Job:
    """Welcome a new user; the id is the user's, so a user is never queued twice."""
    return Job(WELCOME, f"welcome:{user_id}", {"user_id": str(user_id)})
