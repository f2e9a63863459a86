"""One application's engine and session factories, and the per-request session.

The rule: a request with a safe method (GET, HEAD, OPTIONS) reads without a transaction;
any other request is one unit of work, committed before its response is sent.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from src.config import Settings
from src.errors import ServiceBusyError
from src.repositories.base import READ_ONLY

# Methods that must not change anything (RFC 9110 §9.2.1): they read on an autocommit session.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
POOL_EXHAUSTED = "Every database connection is in use; retry shortly."
UNREACHABLE = "The database cannot be reached right now; retry shortly."


def create_engine(settings: Settings) -> AsyncEngine:
    """Create an engine whose pool holds steady under load."""
    return create_async_engine(
        settings.DATABASE_URL.get_secret_value(),
        pool_size=settings.DB_POOL_SIZE,
        # Overflow connections are closed when returned, so a burst would churn new
        # PostgreSQL sessions; waiting for a pooled one is cheaper and bounded.
        max_overflow=0,
        pool_timeout=settings.DB_POOL_TIMEOUT_SECONDS,
        connect_args={"timeout": settings.DB_CONNECT_TIMEOUT_SECONDS},
        # Error messages would otherwise carry every bound value (emails, password hashes)
        # into logs and tracebacks.
        hide_parameters=True,
    )


class Database:
    """An application's engine and its session factories, built from that application's settings.

    Made in the lifespan (`app.state.database`), never at import: every app, test and worker
    gets the database its own settings name.
    """

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Same pool, no BEGIN/COMMIT: each statement is its own transaction, which spares a
        # read two round trips and about a third of its CPU (benchmarks/README.md).
        autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessions = async_sessionmaker(
            autocommit, expire_on_commit=False, info={READ_ONLY: True}
        )

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Open a session outside any request, in a transaction committed if the block succeeds.

        For work that is not a request's: a job, or a task after the response.
        """
        async with self.sessions() as session, session.begin():
            yield session


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session: read-only for safe methods, else one unit of work.

    A safe method's session runs each statement on its own, with no BEGIN or COMMIT, and
    refuses to write (`READ_ONLY`). Any other method's first statement begins the transaction,
    committed here on success and rolled back on any error. Before slow work (password
    hashing) a repository may end a read-only transaction early
    (`Repository.release_connection`); the next statement then begins another, so the unit of
    work still ends here, in one place.
    """
    database: Database = request.app.state.database
    reading = request.method in SAFE_METHODS
    sessions = database.read_sessions if reading else database.sessions
    async with sessions() as session:  # Closing rolls back whatever is uncommitted.
        try:
            yield session
            if not reading:
                await session.commit()
        except PoolTimeoutError as exc:
            raise ServiceBusyError(POOL_EXHAUSTED) from exc
        except (ConnectionError, TimeoutError) as exc:
            # Raised by asyncpg itself when a new connection is refused or too slow to open
            # (DB_CONNECT_TIMEOUT_SECONDS), which a worker swamped by requests can cause.
            raise ServiceBusyError(UNREACHABLE) from exc


# scope="function" closes the unit of work when the endpoint returns, so the commit happens
# (and can fail) before any response is sent: a failed commit is never answered with 2xx.
DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]
