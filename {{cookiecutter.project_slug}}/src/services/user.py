"""User accounts: sign-up, and reading, changing and deleting one's own (any, as administrator)."""

import uuid
from typing import Any

import structlog
from pydantic import Secret

from src.errors import ConflictError, NotFoundError, PermissionDeniedError
{%- if cookiecutter.background_jobs == "arq" %}
from src.jobs import JobQueue, welcome_job
{%- endif %}
from src.models import User
from src.passwords import PasswordHasher
from src.rate_limits import ClientLimits
from src.repositories.base import DuplicateError
from src.repositories.user import UserRepository
from src.schemas.common import Page, PageParams, page_of
from src.schemas.user import UserCreate, UserOut, UserUpdate

log = structlog.get_logger()

EMAIL_TAKEN = "A user with this email address already exists."
USER_NOT_FOUND = "User not found."
WRONG_PASSWORD = "current_password is not your password."  # noqa: S105 - a message
CHANGED_MEANWHILE = "The account was changed by another request; read it and try again."


def secret(value: Secret[str] | None) -> str:
    """Return a secret's value ("" for none)."""
    return value.get_secret_value() if value is not None else ""


class UserService:
    """Creates accounts; each user reads, changes and deletes itself, an administrator anyone."""
{%- if cookiecutter.background_jobs == "arq" %}

    def __init__(
        self, users: UserRepository, hasher: PasswordHasher, limits: ClientLimits, jobs: JobQueue
    ) -> None:
        self.users = users
        self.hasher = hasher
        self.limits = limits
        self.jobs = jobs
{%- else %}

    def __init__(self, users: UserRepository, hasher: PasswordHasher, limits: ClientLimits) -> None:
        self.users = users
        self.hasher = hasher
        self.limits = limits
{%- endif %}

    async def create(self, user_in: UserCreate) -> UserOut:
        """Register a user; the password is hashed before the database is touched."""
        await self.limits.sign_up()
        hashed = await self.hasher.hash(user_in.password.get_secret_value())
        user = User(
            email=user_in.email.lower(), display_name=user_in.display_name, hashed_password=hashed
        )
        try:
            await self.users.add(user)
        except DuplicateError as exc:
            raise ConflictError(EMAIL_TAKEN) from exc
        log.info("user_created", user_id=str(user.id))
{%- if cookiecutter.background_jobs == "arq" %}
        # Inside the unit of work: with Redis down the sign-up fails whole (503), so no user
        # is left without its welcome job.
        await self.jobs.enqueue(welcome_job(user.id))
{%- endif %}
        return UserOut.model_validate(user)

    async def get(self, actor: UserOut, user_id: uuid.UUID) -> UserOut:
        """Return the caller itself, or (for an administrator) any user."""
        return UserOut.model_validate(await self._require_visible(actor, user_id))

    async def list(self, actor: UserOut, page: PageParams) -> Page[UserOut]:
        """Return one page of users: administrators only."""
        if not actor.is_admin:
            raise PermissionDeniedError("Only administrators may list users.")
        found = await self.users.list_page(page.limit, page.offset)
        return page_of([UserOut.model_validate(row) for row in found.rows], found.total, page)

    async def log_total(self) -> None:
        """Log how many users there are (a metric, emitted after each sign-up)."""
        log.info("users_counted", total=await self.users.count())

    async def update(self, actor: UserOut, user_id: uuid.UUID, changes: UserUpdate) -> UserOut:
        """Apply a partial change; a new email or password needs the caller's own password."""
        user = await self._require_visible(actor, user_id)
        values: dict[str, Any] = changes.model_dump(
            exclude_unset=True, exclude={"password", "current_password"}
        )
        if "email" in values:
            values["email"] = values["email"].lower()
        revoke_from = None
        if changes.changes_credentials:
            seen_version = user.token_version  # Read now: releasing expires loaded rows.
            new_hash = await self._confirm_and_hash(actor, changes)
            if new_hash is not None:
                values["hashed_password"] = new_hash
                revoke_from = seen_version  # Tokens issued before the change stop working.
        if values:
            user = await self._write(user_id, values, revoke_from)
        log.info("user_updated", user_id=str(user_id), fields=sorted(changes.model_fields_set))
        return UserOut.model_validate(user)

    async def delete(self, actor: UserOut, user_id: uuid.UUID) -> None:
        """Delete the caller itself (or, for an administrator, anyone) and its items."""
        await self.users.delete(await self._require_visible(actor, user_id))
        log.info("user_deleted", user_id=str(user_id))

    async def _require_visible(self, actor: UserOut, user_id: uuid.UUID) -> User:
        """Return the user; to anyone but itself and administrators, it does not exist."""
        user = None
        if actor.id == user_id or actor.is_admin:
            user = await self.users.get(user_id)
        if user is None:
            raise NotFoundError(USER_NOT_FOUND)
        return user

    async def _confirm_and_hash(self, actor: UserOut, changes: UserUpdate) -> str | None:
        """Check the caller's own password as a sign-in would; return the new one's hash."""
        await self.limits.sign_in(actor.email)
        async with self.hasher.slot() as hashing:
            credentials = await self.users.get_credentials_by_id(actor.id)
            await self.users.release_connection()  # No pooled connection waits on Argon2.
            hashed = credentials.hashed_password if credentials is not None else None
            if not await hashing.verify(secret(changes.current_password), hashed):
                log.info("password_confirmation_failed", user_id=str(actor.id))
                raise PermissionDeniedError(WRONG_PASSWORD)
            if changes.password is None:
                return None
            return await hashing.hash(changes.password.get_secret_value())

    async def _write(
        self, user_id: uuid.UUID, values: dict[str, Any], revoke_from: int | None
    ) -> User:
        """Write the change in one statement; refuse it if the account changed meanwhile."""
        try:
            user = await self.users.update_account(user_id, values, revoke_tokens_from=revoke_from)
        except DuplicateError as exc:
            raise ConflictError(EMAIL_TAKEN) from exc
        if user is not None:
            return user
        if await self.users.get_credentials_by_id(user_id) is None:
            raise NotFoundError(USER_NOT_FOUND)
        raise ConflictError(CHANGED_MEANWHILE)
