"""Rate limits on what a stranger can repeat cheaply: {% if cookiecutter.auth == "jwt" %}signing in and {% endif %}signing up.
{% if cookiecutter.background_jobs == "arq" %}
Counted with the `limits` library, in Redis (`create_storage`): every uvicorn worker and every
replica counts together, so a limit holds however a load balancer spreads the requests.
{%- else %}
Counted with the `limits` library. The counts live where `create_storage` says: by default in
this process's memory, so each replica (and each uvicorn worker) counts on its own; see the
README for what that means behind a load balancer.
{%- endif %}
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import {% if cookiecutter.background_jobs == "arq" %}RedisStorage{% else %}MemoryStorage{% endif %}, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
{%- if cookiecutter.background_jobs == "arq" %}
from redis.asyncio import ConnectionPool
{%- endif %}

from src.config import Settings
from src.errors import ServiceBusyError, TooManyRequestsError

TOO_MANY = "Too many attempts; retry after the time in Retry-After."
STORE_UNREACHABLE = "The rate-limit counts cannot be reached right now; retry shortly."
{%- if cookiecutter.background_jobs == "arq" %}


def create_storage(settings: Settings, redis: ConnectionPool) -> Storage:
    """Return where the counts live: in Redis (the job queue's connections), under the prefix."""
    return RedisStorage(
        "async+redis://",  # The connections come from `redis`, with its URL and timeouts.
        implementation="redispy",
        connection_pool=redis,  # type: ignore[arg-type]  # documented, typed too narrowly
        key_prefix=f"{settings.REDIS_PREFIX}:limits",
        wrap_exceptions=True,
    )
{%- else %}


def create_storage(settings: Settings) -> Storage:
    """Return where the counts live; the one place to switch to a shared store such as Redis."""
    return MemoryStorage()
{%- endif %}


class RateLimiter:
    """The application's limits, as Settings give them, over one storage."""

    def __init__(self, settings: Settings, storage: Storage) -> None:
        self.storage = storage
        # Exact: at most N attempts in any window, also across a window's turn (a counter
        # approximation lets one more through there).
        self.strategy = MovingWindowRateLimiter(storage)
{%- if cookiecutter.auth == "jwt" %}
        self.login_per_address = parse(settings.RATE_LIMIT_LOGIN_PER_ADDRESS)
        self.login_per_account = parse(settings.RATE_LIMIT_LOGIN_PER_ACCOUNT)
{%- endif %}
        self.signup_per_address = parse(settings.RATE_LIMIT_SIGNUP_PER_ADDRESS)

    async def hit(self, limit: RateLimitItem, *key: str) -> None:
        """Count one attempt against `limit` for `key`; raise TooManyRequestsError past it.

        A shared store out of reach counts nothing, so it lets nothing through either: 503.
        """
        try:
            if await self.strategy.hit(limit, *key):
                return
            stats = await self.strategy.get_window_stats(limit, *key)
        except StorageError as exc:
            raise ServiceBusyError(STORE_UNREACHABLE) from exc
        raise TooManyRequestsError(TOO_MANY, math.ceil(stats.reset_time - time.time()))


@dataclass(frozen=True)
class ClientLimits:
    """The limits as they apply to one client address (the request's)."""

    limiter: RateLimiter
    address: str

    async def sign_up(self) -> None:
        """Count a sign-up from this address."""
        await self.limiter.hit(self.limiter.signup_per_address, "sign-up", self.address)
{%- if cookiecutter.auth == "jwt" %}

    async def sign_in(self, account: str) -> None:
        """Count a password attempt from this address and against this account (email)."""
        await self.limiter.hit(self.limiter.login_per_address, "sign-in", self.address)
        await self.limiter.hit(self.limiter.login_per_account, "sign-in", account.lower())
{%- endif %}
