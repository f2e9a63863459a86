"""Argon2id password hashing on a few dedicated threads, behind a bounded queue.

Hashing is slow on purpose, so it never runs on the event loop, and never while a request
holds a database connection (services release it first). A request takes a slot before it
reads anything it will hash or verify: at most PASSWORD_HASH_THREADS hash at once and
PASSWORD_HASH_QUEUE more wait, so a flood of sign-ins costs bounded CPU, memory and
database reads, and the request past the bound is answered 503 at once.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from src.config import Settings
from src.errors import ServiceBusyError

HASHER_BUSY = "Too many sign-ins are being checked right now; retry shortly."


class PasswordHasher:
    """Hashes and verifies passwords for at most `threads + queue` requests at a time."""

    def __init__(self, settings: Settings) -> None:
        argon2 = Argon2Hasher(
            time_cost=settings.PASSWORD_HASH_TIME_COST,
            memory_cost=settings.PASSWORD_HASH_MEMORY_KIB,
            parallelism=settings.PASSWORD_HASH_PARALLELISM,
        )
        self.algorithm = PasswordHash((argon2,))
        self.capacity = settings.PASSWORD_HASH_THREADS + settings.PASSWORD_HASH_QUEUE
        self.in_flight = 0
        self.threads = ThreadPoolExecutor(
            max_workers=settings.PASSWORD_HASH_THREADS, thread_name_prefix="password-hash"
        )
        # Computed now, so the first failed login costs no more than later ones.
        self.dummy_hash = self.algorithm.hash("no user has this password; it only costs time")

    def slot(self) -> "HashingSlot":
        """Take a slot now (use it with `async with`), or raise ServiceBusyError at once."""
        # Counted on the event loop thread only, with no await in between: no lock needed.
        if self.in_flight >= self.capacity:
            raise ServiceBusyError(HASHER_BUSY)
        self.in_flight += 1
        return HashingSlot(self)

    async def hash(self, password: str) -> str:
        """Return the Argon2id hash of a password, in a slot of its own."""
        async with self.slot() as slot:
            return await slot.hash(password)

    def shutdown(self) -> None:
        """Stop the threads once the work in flight is done."""
        self.threads.shutdown(wait=True, cancel_futures=True)


class HashingSlot:
    """One request's turn at the hashing threads; freed when its last job is done."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.job: Future[Any] | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, _: type[BaseException] | None, __: BaseException | None, ___: TracebackType | None
    ) -> None:
        # A cancelled request's job may still be running: the slot is free only after it.
        if self.job is None or self.job.done():
            self.hasher.in_flight -= 1
            return
        loop = asyncio.get_running_loop()
        self.job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._free))

    def _free(self) -> None:
        """Give the slot back."""
        self.hasher.in_flight -= 1

    async def hash(self, password: str) -> str:
        """Return the Argon2id hash of a password."""
        return await self._run(self.hasher.algorithm.hash, password)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """Check a password; with no hash (unknown user) spend the same time and fail."""
        algorithm = self.hasher.algorithm
        if hashed is None:
            await self._run(algorithm.verify, password, self.hasher.dummy_hash)
            return False
        return await self._run(algorithm.verify, password, hashed)

    async def _run[**P, R](self, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run work on one of the hashing threads."""
        job = self.hasher.threads.submit(work, *args, **kwargs)
        self.job = job
        return await asyncio.wrap_future(job)
