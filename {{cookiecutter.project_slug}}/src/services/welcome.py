"""Welcoming new users: the welcome job's work, and the sweep that catches missed welcomes."""

import uuid
from datetime import timedelta

import structlog

from src.errors import NotFoundError
from src.jobs import JobQueue, welcome_job
from src.models.base import utc_now
from src.repositories.welcome import WelcomeRepository

log = structlog.get_logger()

# Long enough for the job queued at sign-up to have run; a duplicate would be harmless anyway.
SWEEP_GRACE = timedelta(minutes=5)
SWEEP_BATCH = 500


class WelcomeService:
    """Welcomes every user exactly once, whatever happens to the queue in between."""

    def __init__(self, users: WelcomeRepository, jobs: JobQueue) -> None:
        self.users = users
        self.jobs = jobs

    async def welcome(self, user_id: uuid.UUID) -> None:
        """Welcome the user unless that was done already: running it twice is harmless."""
        # Claimed first, then done: if the work below fails, the claim rolls back with it.
        if await self.users.mark_welcomed(user_id, utc_now()):
            # A real service sends its welcome email here, before the unit of work commits.
            log.info("user_welcomed", user_id=str(user_id))
            return
        if await self.users.get(user_id) is None:
            # Gone, or not committed yet: the job may overtake the request that queued it.
            raise NotFoundError("User not found.")
        log.info("user_already_welcomed", user_id=str(user_id))

    async def enqueue_missed(self) -> int:
        """Queue a welcome for users still not welcomed well after signing up; return how many."""
        missed = await self.users.not_welcomed_before(utc_now() - SWEEP_GRACE, SWEEP_BATCH)
        queued = [await self.jobs.enqueue(welcome_job(user_id)) for user_id in missed]
        log.info("missed_welcomes_enqueued", found=len(missed), queued=sum(queued))
        return len(missed)
