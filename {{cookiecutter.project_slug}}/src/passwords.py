"""Argon2id password hashing on a few dedicated threads, behind a bounded queue.

Hashing is slow on purpose, so it never runs on the event loop, and never while a request
holds a database connection (services release it first). The number of hashes at once is
fixed (PASSWORD_HASH_THREADS), and so is the number waiting (PASSWORD_HASH_QUEUE): a flood
of sign-ins then costs bounded CPU and memory, and the request past the bound is answered
503 at once instead of queueing without end.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from src.config import Settings
from src.errors import ServiceBusyError

HASHER_BUSY = "Too many sign-ins are being checked right now; retry shortly."


class PasswordHasher:
    """Hashes and verifies passwords; at most `threads + queue` calls in flight."""

    def __init__(self, settings: Settings) -> None:
        argon2 = Argon2Hasher(
            time_cost=settings.PASSWORD_HASH_TIME_COST,
            memory_cost=settings.PASSWORD_HASH_MEMORY_KIB,
            parallelism=settings.PASSWORD_HASH_PARALLELISM,
        )
        self.algorithm = PasswordHash((argon2,))
        self.capacity = settings.PASSWORD_HASH_THREADS + settings.PASSWORD_HASH_QUEUE
        self.in_flight = 0
        self._threads = ThreadPoolExecutor(
            max_workers=settings.PASSWORD_HASH_THREADS, thread_name_prefix="password-hash"
        )
        # Computed now, so the first failed login costs no more than later ones.
        self.dummy_hash = self.algorithm.hash("no user has this password; it only costs time")

    async def hash(self, password: str) -> str:
        """Return the Argon2id hash of a password."""
        return await self._run(self.algorithm.hash, password)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """Check a password; with no hash (unknown user) spend the same time and fail."""
        if hashed is None:
            await self._run(self.algorithm.verify, password, self.dummy_hash)
            return False
        return await self._run(self.algorithm.verify, password, hashed)

    def shutdown(self) -> None:
        """Stop the threads once the calls in flight are done."""
        self._threads.shutdown(wait=True, cancel_futures=True)

    async def _run[**P, R](self, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run work on a hashing thread, or refuse at once when the queue is full."""
        # Counted on the event loop thread only, so no lock is needed. A job is counted until
        # its thread is done with it, even when its request is cancelled meanwhile.
        if self.in_flight >= self.capacity:
            raise ServiceBusyError(HASHER_BUSY)
        loop = asyncio.get_running_loop()
        self.in_flight += 1
        job = self._threads.submit(work, *args, **kwargs)
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._finished))
        return await asyncio.wrap_future(job)

    def _finished(self) -> None:
        """Free the slot of a job its thread is done with."""
        self.in_flight -= 1
