"""Alembic environment: async engine, URL and metadata from the application itself."""

import asyncio
import logging
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy import make_url
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from src.config import get_settings
from src.database_setup import DatabaseUnavailableError, connection_to, create_database_if_missing
from src.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata
log = logging.getLogger("migrations")


def database_url() -> str:
    """Return the URL to migrate: an explicit `sqlalchemy.url` option, else DATABASE_URL."""
    explicit = config.get_main_option("sqlalchemy.url")
    return explicit or get_settings().DATABASE_URL.get_secret_value()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`alembic upgrade head --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on a live connection."""
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


async def create_development_database(url: URL) -> None:
    """In development, create the database when it is missing, so no one has to by hand."""
    if get_settings().ENVIRONMENT != "development":
        return
    if await create_database_if_missing(url, "DATABASE_URL"):
        log.info("development_database_created database=%s", url.database)


async def run_migrations_online() -> None:
    """Connect with the application's async driver and migrate; no connection, one line."""
    url = make_url(database_url())
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        await create_development_database(url)
        async with connection_to(engine, "DATABASE_URL") as connection:
            await connection.run_sync(do_run_migrations)
    except DatabaseUnavailableError as exc:
        # Alembic prints a CommandError as one `FAILED: ...` line, without a traceback.
        raise CommandError(str(exc)) from None
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
