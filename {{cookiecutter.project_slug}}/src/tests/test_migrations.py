"""Migrations match the models, survive a full round trip, and fail in one clear line."""

import asyncio
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from src.config import Environment, get_settings
from src.database_setup import create_database_if_missing
from src.tests.database import MIGRATIONS, alembic_config, column_names, prepare_test_database


@pytest.mark.usefixtures("engine")
async def test_models_and_migrations_agree(database_url: URL) -> None:
    # Raises if autogenerate would emit any operation, i.e. a model changed without a revision.
    await asyncio.to_thread(command.check, alembic_config(database_url))


@pytest.fixture
async def scratch_url(unused_database_url: URL) -> URL:
    """A fresh, empty database for destructive migration tests, dropped afterwards."""
    await create_database_if_missing(unused_database_url, "TEST_DATABASE_URL")
    return unused_database_url


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


@pytest.fixture
def forget_settings() -> Iterator[None]:
    """Forget the settings a test read with its own ENVIRONMENT for migrations/env.py."""
    yield
    get_settings.cache_clear()


async def upgrade(url: URL, environment: Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `alembic upgrade head` on url with the given ENVIRONMENT."""
    monkeypatch.setenv("ENVIRONMENT", environment)
    get_settings.cache_clear()
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")


async def database_exists(url: URL) -> bool:
    """Tell whether the URL's database exists on its server."""
    server = create_async_engine(url.set(database="postgres"), poolclass=NullPool)
    async with server.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
    await server.dispose()
    return exists is not None


@pytest.mark.usefixtures("forget_settings")
async def test_development_creates_a_missing_database_and_says_so(
    unused_database_url: URL, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="migrations")

    await upgrade(unused_database_url, "development", monkeypatch)

    assert await database_exists(unused_database_url)
    assert [record.getMessage() for record in caplog.records if record.name == "migrations"] == [
        f"development_database_created database={unused_database_url.database}"
    ]


@pytest.mark.usefixtures("forget_settings")
async def test_outside_development_a_missing_database_is_an_error(
    unused_database_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match=f"has no database '{unused_database_url.database}'"):
        await upgrade(unused_database_url, "test", monkeypatch)

    assert not await database_exists(unused_database_url)


@pytest.mark.usefixtures("forget_settings")
async def test_an_unreachable_server_fails_the_migration_in_one_line(
    database_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_port = database_url.set(host="127.0.0.1", port=1)

    with pytest.raises(CommandError) as caught:
        await upgrade(closed_port, "development", monkeypatch)

    assert str(caught.value).startswith("PostgreSQL is not reachable at 127.0.0.1:1 ")
    assert str(caught.value).endswith("or point DATABASE_URL at a server that runs")
