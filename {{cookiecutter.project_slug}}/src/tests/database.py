"""The test database: which one, the setting that names it, migrated to head, dropped."""

import asyncio
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from src.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def database_url_for_tests(settings: Settings) -> URL:
    """TEST_DATABASE_URL, else DATABASE_URL's database + `_test`; one per xdist worker."""
    if settings.TEST_DATABASE_URL is not None:
        url = make_url(settings.TEST_DATABASE_URL.get_secret_value())
    else:
        url = make_url(settings.DATABASE_URL.get_secret_value())
        url = url.set(database=f"{url.database}_test")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return url.set(database=f"{url.database}_{worker}") if worker else url


def settings_to_fix(settings: Settings) -> str:
    """Name the setting a developer changes to point the tests at a working server."""
    if settings.TEST_DATABASE_URL is not None:
        return "TEST_DATABASE_URL"
    return "DATABASE_URL (or TEST_DATABASE_URL for the tests alone)"


async def drop_database(url: URL) -> None:
    """Drop the URL's database if it exists, ending its sessions first."""
    server = create_async_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    async with server.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    await server.dispose()


def alembic_config(url: URL) -> Config:
    """Alembic configuration aimed at `url`, leaving the test run's logging alone."""
    config = Config(PROJECT_ROOT / "alembic.ini")
    rendered = url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


async def migrate(url: URL, revision: str = "head") -> None:
    """Upgrade the database; Alembic runs its own event loop, so in a worker thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def is_at_head(engine: AsyncEngine, url: URL) -> bool:
    """Tell whether the database already carries every head revision (nothing to upgrade)."""
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    async with engine.connect() as connection:
        current = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()
        )
    return set(current) == heads
