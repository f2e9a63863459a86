"""The test database: which one, and kept identical to what the checkout's migrations build."""

import asyncio
import hashlib
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from src.config import Settings
from src.database_setup import connection_to

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = PROJECT_ROOT / "migrations"


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


def migrations_fingerprint(migrations: Path = MIGRATIONS) -> str:
    """Return a digest of every migration file: any edit, even to an applied revision, shows."""
    digest = hashlib.sha256()
    for path in sorted(migrations.rglob("*.py")):
        digest.update(path.relative_to(migrations).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


async def _on_server(
    url: URL, query: str = "", *statements: str, setting: str = "TEST_DATABASE_URL"
) -> str | None:
    """Answer `query` (`:name` is url's database), then run statements, on the server."""
    server = create_async_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with connection_to(server, setting) as connection:
            found = await connection.scalar(text(query), {"name": url.database}) if query else None
            for statement in statements:
                await connection.execute(text(statement))
            return None if found is None else str(found)
    finally:
        await server.dispose()


async def prepare_test_database(
    url: URL, migrations: Path = MIGRATIONS, setting: str = "TEST_DATABASE_URL"
) -> None:
    """Make the test database what these migrations build, rebuilding it when they changed.

    The fingerprint of the migration files is kept as the database's comment. A revision id
    alone would miss an edited revision, or another bake's schema under the same name.
    `setting` is what a failure to reach the server tells the developer to correct.
    """
    fingerprint = migrations_fingerprint(migrations)
    found = await _on_server(
        url,
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
        " WHERE datname = :name",
        setting=setting,
    )
    if found == fingerprint:
        return
    database = f'"{url.database}"'
    drop = f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"
    await _on_server(url, "", drop, f"CREATE DATABASE {database}")
    await migrate(url, migrations=migrations)
    await _on_server(url, "", f"COMMENT ON DATABASE {database} IS '{fingerprint}'")


async def drop_database(url: URL) -> None:
    """Drop the URL's database if it exists, ending its sessions first."""
    await _on_server(url, "", f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def alembic_config(url: URL, migrations: Path = MIGRATIONS) -> Config:
    """Alembic configuration aimed at `url`, leaving the test run's logging alone."""
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.set_main_option("script_location", str(migrations))
    rendered = url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


async def migrate(url: URL, revision: str = "head", migrations: Path = MIGRATIONS) -> None:
    """Upgrade the database; Alembic runs its own event loop, so in a worker thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(url, migrations), revision)


async def column_names(connection: AsyncConnection, table: str) -> set[str]:
    """Return the columns of a table in the connection's database."""
    rows = await connection.execute(
        text("SELECT column_name FROM information_schema.columns WHERE table_name = :table"),
        {"table": table},
    )
    return {row[0] for row in rows}
