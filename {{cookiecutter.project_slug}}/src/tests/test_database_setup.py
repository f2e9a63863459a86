"""Reaching PostgreSQL from the command line: one clear line for each way it fails."""

import secrets

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from src.database_setup import DatabaseUnavailableError, connection_to, create_database_if_missing


@pytest.fixture
def closed_port_url(database_url: URL) -> URL:
    """The test database's URL on a port where nothing listens (port 1 refuses at once)."""
    return database_url.set(host="127.0.0.1", port=1)


@pytest.fixture
def unknown_role_url(database_url: URL) -> URL:
    """The test database's URL with a role that does not exist.

    Trust authentication lets any existing role in whatever the password, so a role that does
    not exist is what a server refuses under every authentication method.
    """
    return database_url.set(username=f"no_such_role_{secrets.token_hex(4)}", password="wrong")


async def test_a_server_that_does_not_answer_gets_one_line_naming_the_fix(
    closed_port_url: URL,
) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        await create_database_if_missing(closed_port_url, "TEST_DATABASE_URL")

    message = str(caught.value)
    assert message.startswith("PostgreSQL is not reachable at 127.0.0.1:1 (connection refused): ")
{%- if cookiecutter.docker %}
    assert "start it (docker compose up -d db)" in message
{%- endif %}
    assert message.endswith("or point TEST_DATABASE_URL at a server that runs")
    assert "\n" not in message


async def test_a_refused_login_gets_one_line_naming_the_user(unknown_role_url: URL) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        await create_database_if_missing(unknown_role_url, "TEST_DATABASE_URL")

    message = str(caught.value)
    where = f"{unknown_role_url.host}:{unknown_role_url.port or 5432}"
    assert message.startswith(
        f"PostgreSQL at {where} refused the login of user {unknown_role_url.username!r} ("
    )
    assert message.endswith("correct the user and password in TEST_DATABASE_URL")
    assert "\n" not in message


async def test_a_missing_database_gets_one_line_naming_it(database_url: URL) -> None:
    missing = database_url.set(database=f"no_such_database_{secrets.token_hex(4)}")
    engine = create_async_engine(missing, poolclass=NullPool)

    with pytest.raises(DatabaseUnavailableError) as caught:
        async with connection_to(engine, "TEST_DATABASE_URL"):
            pass
    await engine.dispose()

    assert f"has no database {missing.database!r}: create it" in str(caught.value)


async def test_a_missing_database_is_created_once(unused_database_url: URL) -> None:
    created = await create_database_if_missing(unused_database_url, "TEST_DATABASE_URL")
    created_again = await create_database_if_missing(unused_database_url, "TEST_DATABASE_URL")

    assert created is True
    assert created_again is False
