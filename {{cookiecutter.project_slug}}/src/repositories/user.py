"""Queries on users."""

from sqlalchemy import func, select

from src.models import User
from src.repositories.base import Repository


class UserRepository(Repository[User]):
    """Users by id, by email, and in pages."""

    model = User

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this email (case-insensitive), or None."""
        statement = select(User).where(User.email == email.lower())
        return await self.session.scalar(statement)

    async def list_page(self, limit: int, offset: int) -> list[User]:
        """Return one page of users, oldest first."""
        statement = select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
        return list(await self.session.scalars(statement))

    async def count(self) -> int:
        """Return how many users exist."""
        return await self.session.scalar(select(func.count()).select_from(User)) or 0
