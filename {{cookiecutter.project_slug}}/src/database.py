"""The async engine, the only session factory, and the per-request unit of work."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from src.config import Settings, get_settings


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
    )


engine = create_engine(get_settings())
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    """Yield the request's session: committed on success, rolled back on any error."""
    async with SessionFactory() as session, session.begin():
        yield session


# scope="function" closes the unit of work when the endpoint returns, so the commit happens
# (and can fail) before any response is sent: a failed commit is never answered with 2xx.
DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]
