"""Administrators: made from the command line (src/cli.py), never through the API."""

import structlog
from pydantic import Secret

from src.errors import ConflictError
from src.models import User
from src.passwords import PasswordHasher
from src.repositories.base import DuplicateError
from src.repositories.user import UserRepository
from src.schemas.user import UserOut

log = structlog.get_logger()


class AdminService:
    """Grants administration to an account, creating the account when there is none."""

    def __init__(self, users: UserRepository, hasher: PasswordHasher) -> None:
        self.users = users
        self.hasher = hasher

    async def promote(self, email: str) -> UserOut | None:
        """Make the user with this email an administrator; None when there is no such user."""
        user = await self.users.get_by_email(email)
        if user is None:
            return None
        user.is_admin = True
        await self.users.flush()
        log.info("admin_granted", user_id=str(user.id))
        return UserOut.model_validate(user)

    async def create(self, email: str, display_name: str, password: Secret[str]) -> UserOut:
        """Create an administrator account with this password."""
        hashed = await self.hasher.hash(password.get_secret_value())
        user = User(
            email=email.lower(), display_name=display_name, hashed_password=hashed, is_admin=True
        )
        try:
            await self.users.add(user)
        except DuplicateError as exc:
            raise ConflictError("A user with this email address already exists.") from exc
        log.info("admin_created", user_id=str(user.id))
        return UserOut.model_validate(user)
