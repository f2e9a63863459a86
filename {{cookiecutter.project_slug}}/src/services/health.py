"""Liveness and readiness."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping

import structlog

from src.errors import ServiceUnavailableError
from src.schemas.health import HealthOut

log = structlog.get_logger()

# Answers whether one dependency can be reached; never raises.
type Probe = Callable[[], Awaitable[bool]]


class HealthService:
    """Answers whether the service can do useful work."""

    def __init__(self, probes: Mapping[str, Probe]) -> None:
        self.probes = probes

    async def readiness(self) -> HealthOut:
        """Report ready only when every dependency answers; name the ones that do not."""
        answers = await asyncio.gather(*(probe() for probe in self.probes.values()))
        unreachable = [name for name, up in zip(self.probes, answers, strict=True) if not up]
        if unreachable:
            log.warning("not_ready", unreachable=unreachable)
            raise ServiceUnavailableError(f"Cannot reach {' and '.join(unreachable)}.")
        return HealthOut()
