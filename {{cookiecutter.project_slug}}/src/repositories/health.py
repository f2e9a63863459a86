"""The database round trip behind the readiness probe."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession


class HealthRepository:
    """Checks that the database answers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def database_answers(self) -> bool:
        """Run the cheapest possible query; False when the database cannot be reached."""
        try:
            await self.session.execute(text("SELECT 1"))
        except (OSError, TimeoutError, SQLAlchemyError):
            return False
        return True
