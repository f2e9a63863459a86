"""User accounts: sign-up, lookup{% if cookiecutter.auth == "jwt" %}, and changes a user makes to itself{% else %} and changes{% endif %}."""

import uuid

import structlog

from src.errors import ConflictError, NotFoundError{% if cookiecutter.auth == "jwt" %}, PermissionDeniedError{% endif %}
from src.models import User
from src.passwords import hash_password
from src.repositories.base import DuplicateError
from src.repositories.user import UserRepository
from src.schemas.common import Page, PageParams, page_of
from src.schemas.user import UserCreate, UserOut, UserUpdate

log = structlog.get_logger()

EMAIL_TAKEN = "A user with this email address already exists."


class UserService:
    """Creates, reads, changes and deletes users."""

    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def create(self, user_in: UserCreate) -> UserOut:
        """Register a user; the password is stored only as an Argon2 hash."""
        user = User(
            email=user_in.email.lower(),
            display_name=user_in.display_name,
            hashed_password=await hash_password(user_in.password),
        )
        try:
            await self.users.add(user)
        except DuplicateError as exc:
            raise ConflictError(EMAIL_TAKEN) from exc
        log.info("user_created", user_id=str(user.id))
        return UserOut.model_validate(user)

    async def get(self, user_id: uuid.UUID) -> UserOut:
        """Return one user."""
        return UserOut.model_validate(await self._require(user_id))

    async def list(self, page: PageParams) -> Page[UserOut]:
        """Return one page of users."""
        users = await self.users.list_page(page.limit, page.offset)
        total = await self.users.count()
        return page_of([UserOut.model_validate(user) for user in users], total, page)
{%- if cookiecutter.auth == "jwt" %}

    async def update(self, actor_id: uuid.UUID, user_id: uuid.UUID, changes: UserUpdate) -> UserOut:
        """Apply a partial change to the caller's own account."""
        self._require_self(actor_id, user_id)
{%- else %}

    async def update(self, user_id: uuid.UUID, changes: UserUpdate) -> UserOut:
        """Apply a partial change to a user."""
{%- endif %}
        user = await self._require(user_id)
        fields = changes.model_dump(exclude_unset=True)
        if "email" in fields:
            user.email = fields["email"].lower()
        if "display_name" in fields:
            user.display_name = fields["display_name"]
        if "password" in fields:
            user.hashed_password = await hash_password(fields["password"])
            # Tokens issued before the change stop working.
            user.token_version += 1
        try:
            await self.users.flush()
        except DuplicateError as exc:
            raise ConflictError(EMAIL_TAKEN) from exc
        log.info("user_updated", user_id=str(user.id), fields=sorted(fields))
        return UserOut.model_validate(user)
{%- if cookiecutter.auth == "jwt" %}

    async def delete(self, actor_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Delete the caller's own account and, with it, its items."""
        self._require_self(actor_id, user_id)
{%- else %}

    async def delete(self, user_id: uuid.UUID) -> None:
        """Delete a user."""
{%- endif %}
        await self.users.delete(await self._require(user_id))
        log.info("user_deleted", user_id=str(user_id))

    async def _require(self, user_id: uuid.UUID) -> User:
        """Return the user or raise NotFoundError."""
        user = await self.users.get(user_id)
        if user is None:
            raise NotFoundError("User not found.")
        return user
{%- if cookiecutter.auth == "jwt" %}

    @staticmethod
    def _require_self(actor_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Raise PermissionDeniedError unless users act on their own account."""
        if actor_id != user_id:
            raise PermissionDeniedError("Users may only change or delete their own account.")
{%- endif %}
