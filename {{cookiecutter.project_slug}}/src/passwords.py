"""Argon2id password hashing, run off the event loop."""

import asyncio
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from src.config import get_settings


@lru_cache
def _password_hash() -> PasswordHash:
    """Build the hasher once, with the cost parameters from settings."""
    settings = get_settings()
    hasher = Argon2Hasher(
        time_cost=settings.PASSWORD_HASH_TIME_COST,
        memory_cost=settings.PASSWORD_HASH_MEMORY_KIB,
        parallelism=settings.PASSWORD_HASH_PARALLELISM,
    )
    return PasswordHash((hasher,))


@lru_cache
def dummy_hash() -> str:
    """Return a hash no password matches, as costly to check as a real one."""
    return _password_hash().hash("no user has this password; it only costs time")


def reset_hasher() -> None:
    """Forget the hasher and dummy hash, so changed cost settings take effect."""
    _password_hash.cache_clear()
    dummy_hash.cache_clear()


async def hash_password(password: str) -> str:
    """Hash a password in a worker thread: Argon2 would otherwise stall every request."""
    return await asyncio.to_thread(_password_hash().hash, password)


async def verify_password(password: str, hashed: str | None) -> bool:
    """Check a password; with no hash (unknown user) spend the same time and fail."""
    if hashed is None:
        await asyncio.to_thread(_password_hash().verify, password, dummy_hash())
        return False
    return await asyncio.to_thread(_password_hash().verify, password, hashed)
