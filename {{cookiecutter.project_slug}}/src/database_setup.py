"""Reaching PostgreSQL from the command line (migrations, tests), never from a request.

A server that does not answer, a refused login and a missing database each become one line
naming the cause and the fix, instead of a driver traceback.
"""

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

# SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
REFUSED_LOGIN = frozenset({"28000", "28P01"})  # no such role / not allowed; wrong password
MISSING_DATABASE = "3D000"
STARTING_UP = "57P03"
{%- if cookiecutter.docker %}
HOW_TO_START = "start it (docker compose up -d db)"
{%- else %}
HOW_TO_START = "start it"
{%- endif %}


class DatabaseUnavailableError(Exception):
    """PostgreSQL cannot be used at a URL; the message says why and what to do, in one line."""


def _server_message(exc: DBAPIError) -> str:
    """Return the first line of what the server said."""
    return str(exc.orig).splitlines()[0]


def _why_unreachable(exc: Exception) -> str:
    """Say in a few words why no connection was made."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, DBAPIError):
        return _server_message(exc)
    return str(exc) or type(exc).__name__


def explain(exc: Exception, url: URL, setting: str) -> DatabaseUnavailableError:
    """Turn a failed connection into one line naming the cause and the setting to fix."""
    where = f"{url.host}:{url.port or 5432}"
    sqlstate = getattr(exc.orig, "sqlstate", None) if isinstance(exc, DBAPIError) else None
    if isinstance(exc, DBAPIError) and sqlstate in REFUSED_LOGIN:
        return DatabaseUnavailableError(
            f"PostgreSQL at {where} refused the login of user {url.username!r} "
            f"({_server_message(exc)}): correct the user and password in {setting}"
        )
    if isinstance(exc, DBAPIError) and sqlstate == MISSING_DATABASE:
        return DatabaseUnavailableError(
            f"PostgreSQL at {where} has no database {url.database!r}: create it, "
            f"or correct the database name in {setting}"
        )
    if isinstance(exc, OSError) or sqlstate == STARTING_UP:
        return DatabaseUnavailableError(
            f"PostgreSQL is not reachable at {where} ({_why_unreachable(exc)}): "
            f"{HOW_TO_START}, or point {setting} at a server that runs"
        )
    return DatabaseUnavailableError(
        f"PostgreSQL at {where} refused the connection ({_why_unreachable(exc)}): check {setting}"
    )


@asynccontextmanager
async def connection_to(engine: AsyncEngine, setting: str) -> AsyncIterator[AsyncConnection]:
    """Connect, raising DatabaseUnavailableError (naming `setting`) when that fails."""
    try:
        connection = await engine.connect()
    except (OSError, DBAPIError) as exc:
        raise explain(exc, engine.url, setting) from exc
    try:
        yield connection
    finally:
        await connection.close()


async def create_database_if_missing(url: URL, setting: str) -> bool:
    """Create the URL's database on its server unless it exists; return whether it was made."""
    server = create_async_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with connection_to(server, setting) as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{url.database}"'))
            return not exists
    finally:
        await server.dispose()
