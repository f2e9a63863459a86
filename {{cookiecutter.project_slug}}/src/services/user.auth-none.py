"""User accounts: sign-up, lookup and changes."""

import uuid

import structlog

from src.errors import ConflictError, NotFoundError
{%- if cookiecutter.background_jobs == "arq" %}
from src.jobs import JobQueue, welcome_job
{%- endif %}
from src.models import User
from src.rate_limits import ClientLimits
from src.repositories.base import DuplicateError
from src.repositories.user import UserRepository
from src.schemas.common import Page, PageParams, page_of
from src.schemas.user import UserCreate, UserOut, UserUpdate

log = structlog.get_logger()

EMAIL_TAKEN = "A user with this email address already exists."


class UserService:
    """Creates, reads, changes and deletes users."""

    def __init__(self, users: UserRepository, limits: ClientLimits{% if cookiecutter.background_jobs == "arq" %}, jobs: JobQueue{% endif %}) -> None:
        self.users = users
        self.limits = limits
{%- if cookiecutter.background_jobs == "arq" %}
        self.jobs = jobs
{%- endif %}

    async def create(self, user_in: UserCreate) -> UserOut:
        """Register a user."""
        await self.limits.sign_up()
        user = User(email=user_in.email.lower(), display_name=user_in.display_name)
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

    async def get(self, user_id: uuid.UUID) -> UserOut:
        """Return one user."""
        return UserOut.model_validate(await self._require(user_id))

    async def list(self, page: PageParams) -> Page[UserOut]:
        """Return one page of users."""
        found = await self.users.list_page(page.limit, page.offset)
        return page_of([UserOut.model_validate(row) for row in found.rows], found.total, page)

    async def log_total(self) -> None:
        """Log how many users there are (a metric, emitted after each sign-up)."""
        log.info("users_counted", total=await self.users.count())

    async def update(self, user_id: uuid.UUID, changes: UserUpdate) -> UserOut:
        """Apply a partial change to a user."""
        user = await self._require(user_id)
        fields = changes.model_dump(exclude_unset=True)
        if "email" in fields:
            user.email = fields["email"].lower()
        if "display_name" in fields:
            user.display_name = fields["display_name"]
        try:
            await self.users.flush()
        except DuplicateError as exc:
            raise ConflictError(EMAIL_TAKEN) from exc
        log.info("user_updated", user_id=str(user.id), fields=sorted(fields))
        return UserOut.model_validate(user)

    async def delete(self, user_id: uuid.UUID) -> None:
        """Delete a user."""
        await self.users.delete(await self._require(user_id))
        log.info("user_deleted", user_id=str(user_id))

    async def _require(self, user_id: uuid.UUID) -> User:
        """Return the user or raise NotFoundError."""
        user = await self.users.get(user_id)
        if user is None:
            raise NotFoundError("User not found.")
        return user
