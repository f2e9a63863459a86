"""structlog set-up: one pipeline for our events and for the standard library's (uvicorn's)."""

import io
import logging
import re
import sys
from collections.abc import Callable
from typing import TextIO

import orjson
import structlog
from structlog.typing import EventDict, ExcInfo, Processor, WrappedLogger

from src.config import Settings

# uvicorn's access lines are replaced by our own one-line-per-request event.
SILENCED_LOGGERS = ("uvicorn.access",)
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "fastapi")
# The service never migrates; Alembic's CLI logs through alembic.ini instead.
QUIET_LOGGERS = ("alembic",)
# SQLAlchemy logs every statement at INFO; show them only when DEBUG asks for it.
SQL_LOGGER = "sqlalchemy.engine"
# PostgreSQL explains a constraint error with the row ("DETAIL:  Failing row contains (id,
# email, password hash...)"), which hide_parameters cannot hide: such lines are replaced.
DATABASE_DETAIL = re.compile(r"^DETAIL: .*$", re.MULTILINE)
HIDDEN_DETAIL = "DETAIL:  (hidden: it may hold the row's values)"


def hide_database_details(text: str) -> str:
    """Replace PostgreSQL's DETAIL lines, which may quote row values, in a traceback."""
    return DATABASE_DETAIL.sub(HIDDEN_DETAIL, text)


def _hide_details_in_exception(_: object, __: str, event_dict: EventDict) -> EventDict:
    """Apply hide_database_details to a formatted exception."""
    exception = event_dict.get("exception")
    if isinstance(exception, str):
        event_dict["exception"] = hide_database_details(exception)
    return event_dict


def _plain_traceback_without_details(sio: TextIO, exc_info: ExcInfo) -> None:
    """Write a plain traceback (no local variables), database details hidden."""
    traceback = io.StringIO()
    structlog.dev.plain_traceback(traceback, exc_info)
    sio.write(hide_database_details(traceback.getvalue()))


def _dumps(event: object, **_: object) -> str:
    """Serialise an event to text with orjson, for the standard library's handler."""
    return orjson.dumps(event, default=str).decode()


def _dumps_bytes(event: object, **_: object) -> bytes:
    """Serialise an event with orjson, written as bytes without a text layer in between."""
    return orjson.dumps(event, default=str)


def _drop_color_message(
    _: object, __: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """Drop uvicorn's ANSI-coloured duplicate of the message."""
    event_dict.pop("color_message", None)
    return event_dict


def _console_renderer() -> structlog.dev.ConsoleRenderer:
    """Coloured console lines whose tracebacks never show local variables."""
    # structlog's default with rich installed prints every frame's locals: passwords, tokens.
    return structlog.dev.ConsoleRenderer(exception_formatter=_plain_traceback_without_details)


def _shared_processors(*, as_json: bool) -> list[Processor]:
    """Processors every line goes through, whether from structlog or the standard library."""
    processors: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if as_json:  # The console renderer draws tracebacks itself.
        processors += [structlog.processors.format_exc_info, _hide_details_in_exception]
    return processors


def _configure_structlog(level: int, output: TextIO, *, as_json: bool) -> None:
    """Our own events: JSON bytes straight to the stream's buffer, or coloured console lines."""
    shared = _shared_processors(as_json=as_json)
    if as_json:
        # One request's access line is on the hot path: bytes skip the text encoding layer.
        renderer: Processor = structlog.processors.JSONRenderer(serializer=_dumps_bytes)
        factory: Callable[..., WrappedLogger] = structlog.BytesLoggerFactory(file=output.buffer)
    else:
        renderer = _console_renderer()
        factory = structlog.WriteLoggerFactory(file=output)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )


def _route_standard_logging(level: int, output: TextIO, *, as_json: bool, debug: bool) -> None:
    """Send the standard library's records (uvicorn's among them) through the same processors."""
    renderer = (
        structlog.processors.JSONRenderer(serializer=_dumps) if as_json else _console_renderer()
    )
    handler = logging.StreamHandler(output)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                *_shared_processors(as_json=as_json),
                structlog.stdlib.ExtraAdder(),
                _drop_color_message,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers = []
        routed.propagate = True
    logging.getLogger(SQL_LOGGER).setLevel(logging.INFO if debug else logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in SILENCED_LOGGERS:
        silenced = logging.getLogger(name)
        silenced.handlers = []
        silenced.propagate = False


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Configure structlog and route standard-library logging through the same processors."""
    output = stream if stream is not None else sys.stdout
    as_json = settings.LOG_JSON if settings.LOG_JSON is not None else not output.isatty()
    level = logging.getLevelNamesMapping()[settings.LOG_LEVEL]
    _configure_structlog(level, output, as_json=as_json)
    _route_standard_logging(level, output, as_json=as_json, debug=settings.DEBUG)
