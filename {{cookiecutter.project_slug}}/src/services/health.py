"""Liveness and readiness."""

import structlog

from src.errors import ServiceUnavailableError
from src.repositories.health import HealthRepository
from src.schemas.health import HealthOut

log = structlog.get_logger()


class HealthService:
    """Answers whether the service can do useful work."""

    def __init__(self, health: HealthRepository) -> None:
        self.health = health

    async def readiness(self) -> HealthOut:
        """Report ready only when the database answers."""
        if not await self.health.database_answers():
            log.warning("database_unreachable")
            raise ServiceUnavailableError("The database cannot be reached.")
        return HealthOut()
