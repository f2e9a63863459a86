"""Migrations match the models and survive a full round trip."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from src.tests.database import alembic_config, create_database_if_missing


@pytest.mark.usefixtures("engine")
async def test_models_and_migrations_agree(database_url: URL) -> None:
    # Raises if autogenerate would emit any operation, i.e. a model changed without a revision.
    await asyncio.to_thread(command.check, alembic_config(database_url))


@pytest.fixture
async def scratch_url(database_url: URL, engine: AsyncEngine) -> AsyncIterator[URL]:
    """A fresh, empty database for destructive migration tests, dropped afterwards."""
    url = database_url.set(database=f"{database_url.database}_migrations")
    admin = create_async_engine(
        database_url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    await create_database_if_missing(url)
    yield url
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    await admin.dispose()


async def test_upgrade_downgrade_upgrade_round_trip(scratch_url: URL) -> None:
    config = alembic_config(scratch_url)

    await asyncio.to_thread(command.upgrade, config, "head")
    await asyncio.to_thread(command.downgrade, config, "base")
    await asyncio.to_thread(command.upgrade, config, "head")
    await asyncio.to_thread(command.check, config)
