"""The generic repository every entity's repository builds on."""

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from src.models import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


class DuplicateError(Exception):
    """A unique constraint refused the change."""


class Repository[ModelT: Base]:
    """Query one model through the request's session; flush, never commit."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entity_id: uuid.UUID) -> ModelT | None:
        """Return the row with this primary key, or None."""
        return await self.session.get(self.model, entity_id)

    async def add(self, entity: ModelT) -> ModelT:
        """Insert the entity and load its server-side defaults."""
        self.session.add(entity)
        await self.flush()
        return entity

    async def delete(self, entity: ModelT) -> None:
        """Delete the entity."""
        await self.session.delete(entity)
        await self.flush()

    async def flush(self) -> None:
        """Send pending changes, turning unique violations into DuplicateError."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
            raise DuplicateError(getattr(exc.orig, "constraint_name", None)) from exc
