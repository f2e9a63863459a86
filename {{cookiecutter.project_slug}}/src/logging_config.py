"""structlog set-up: one pipeline for our events and for the standard library's (uvicorn's)."""

import logging
import sys
from typing import TextIO

import orjson
import structlog
from structlog.typing import Processor

from src.config import Settings

# uvicorn's access lines are replaced by our own one-line-per-request event.
SILENCED_LOGGERS = ("uvicorn.access",)
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "fastapi")
# The service never migrates; Alembic's CLI logs through alembic.ini instead.
QUIET_LOGGERS = ("alembic",)
# SQLAlchemy logs every statement at INFO; show them only when DEBUG asks for it.
SQL_LOGGER = "sqlalchemy.engine"


def _dumps(event: object, **_: object) -> str:
    """Serialise an event with orjson, the fastest JSON encoder available."""
    return orjson.dumps(event, default=str).decode()


def _drop_color_message(
    _: object, __: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """Drop uvicorn's ANSI-coloured duplicate of the message."""
    event_dict.pop("color_message", None)
    return event_dict


def _shared_processors() -> list[Processor]:
    """Processors every line goes through, whether from structlog or the standard library."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(*, as_json: bool) -> Processor:
    """JSON for machines, coloured key=value lines for people at a terminal."""
    if as_json:
        return structlog.processors.JSONRenderer(serializer=_dumps)
    return structlog.dev.ConsoleRenderer()


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Configure structlog and route standard-library logging through the same processors."""
    output = stream if stream is not None else sys.stdout
    as_json = settings.LOG_JSON if settings.LOG_JSON is not None else not output.isatty()
    level = logging.getLevelNamesMapping()[settings.LOG_LEVEL]
    shared = _shared_processors()
    renderer = _renderer(as_json=as_json)
    exceptions: list[Processor] = [structlog.processors.format_exc_info] if as_json else []

    structlog.configure(
        processors=[*shared, *exceptions, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.WriteLoggerFactory(file=output),
        cache_logger_on_first_use=True,
    )

    handler = logging.StreamHandler(output)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder(), _drop_color_message],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *exceptions,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers = []
        routed.propagate = True
    logging.getLogger(SQL_LOGGER).setLevel(logging.INFO if settings.DEBUG else logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in SILENCED_LOGGERS:
        silenced = logging.getLogger(name)
        silenced.handlers = []
        silenced.propagate = False
