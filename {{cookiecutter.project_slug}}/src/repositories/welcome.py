"""Queries on whether users have been welcomed (the welcome job's state)."""

import uuid
from datetime import datetime

from sqlalchemy import select, update

from src.models import User
from src.repositories.base import Repository


class WelcomeRepository(Repository[User]):
    """Users' welcomed_at stamp: set once, and found missing."""

    model = User

    async def mark_welcomed(self, user_id: uuid.UUID, at: datetime) -> bool:
        """Stamp the user as welcomed unless it already is; False when nothing was stamped.

        One conditional UPDATE: of two concurrent welcomes, the second waits for the first's
        row lock and then finds the stamp.
        """
        statement = (
            update(User)
            .where(User.id == user_id, User.welcomed_at.is_(None))
            .values(welcomed_at=at)
            .returning(User.id)
        )
        return await self.session.scalar(statement) is not None

    async def not_welcomed_before(self, cutoff: datetime, limit: int) -> list[uuid.UUID]:
        """Return the ids of users created before cutoff and not welcomed yet, oldest first."""
        statement = (
            select(User.id)
            .where(User.welcomed_at.is_(None), User.created_at < cutoff)
            .order_by(User.created_at)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))
