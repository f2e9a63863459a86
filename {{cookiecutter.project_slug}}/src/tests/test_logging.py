"""What the logs may never hold: personal data from a failed statement, or local variables."""

import io
import logging

import structlog
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from src.config import Settings
from src.logging_config import configure_logging
from src.tests.conftest import LOG_STREAM, LogReader
from src.tests.factories import user_body
from src.tests.problems import assert_problem

# What asyncpg's errors look like; a constant, so the traceback's source line cannot show it.
CONSTRAINT_ERROR = "violates check constraint\nDETAIL:  Failing row contains (x@y.z)"


def written_logs() -> str:
    """Return every byte the application logged since the test started, as text."""
    buffer = LOG_STREAM.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode()


async def test_a_database_error_in_sign_up_logs_no_personal_data(
    client: AsyncClient, connection: AsyncConnection, logs: LogReader
) -> None:
    # From now on, in this test's transaction, every new user fails a check: not a duplicate,
    # so the error reaches the log with its statement.
    await connection.execute(
        text("ALTER TABLE users ADD CONSTRAINT refuse_everyone CHECK (false) NOT VALID")
    )
    body = user_body(email="leak-check@example.com"{% if cookiecutter.auth == "jwt" %}, password="Zq7-never-logged"{% endif %})

    response = await client.post("/api/v1/users", json=body)

    assert_problem(response, 500)
    error = next(line for line in logs() if line["event"] == "unhandled_exception")
    assert "refuse_everyone" in error["exception"]
    written = written_logs()
{%- if cookiecutter.auth == "jwt" %}
    for secret in ("leak-check@example.com", "Zq7-never-logged", "$argon2"):
{%- else %}
    for secret in ("leak-check@example.com",):
{%- endif %}
        assert secret not in written


def test_console_tracebacks_show_no_local_variables(settings: Settings) -> None:
    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    configure_logging(settings.model_copy(update={"LOG_JSON": None}), stream=stream)
    try:
        password = "Zq7-local-secret"  # The local variable a traceback must not show.
        try:
            raise ValueError(len(password))
        except ValueError:
            structlog.get_logger().exception("failed")
            logging.getLogger("uvicorn.error").exception("failed")
    finally:
        configure_logging(settings.model_copy(update={"LOG_JSON": True}), stream=LOG_STREAM)

    assert "Traceback" in stream.getvalue()
    assert "Zq7-local-secret" not in stream.getvalue()


def test_console_tracebacks_hide_database_details(settings: Settings) -> None:
    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    configure_logging(settings.model_copy(update={"LOG_JSON": None}), stream=stream)
    try:
        try:
            raise RuntimeError(CONSTRAINT_ERROR)
        except RuntimeError:
            structlog.get_logger().exception("failed")
    finally:
        configure_logging(settings.model_copy(update={"LOG_JSON": True}), stream=LOG_STREAM)

    assert "violates check constraint" in stream.getvalue()
    assert "x@y.z" not in stream.getvalue()
