"""Migrations match the models and survive a full round trip."""

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from src.tests.database import (
    MIGRATIONS,
    alembic_config,
    column_names,
    create_database_if_missing,
    prepare_test_database,
)


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


async def item_columns(url: URL) -> set[str]:
    """Return the columns of `items` in the database at url."""
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.connect() as connection:
        columns = await column_names(connection, "items")
    await engine.dispose()
    return columns


async def test_the_test_database_follows_an_edited_revision(
    scratch_url: URL, tmp_path: Path
) -> None:
    # Editing an applied revision keeps its id: only the files' fingerprint tells.
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    await prepare_test_database(scratch_url, migrations)
    [initial] = (migrations / "versions").glob("*_0001_*.py")
    title = 'sa.Column("title", sa.String(length=255), nullable=False),'
    initial.write_text(
        initial.read_text().replace(title, f'{title} sa.Column("edited", sa.Integer()),')
    )

    await prepare_test_database(scratch_url, migrations)

    assert "edited" in await item_columns(scratch_url)
