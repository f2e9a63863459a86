"""Queries on users."""
{%- if cookiecutter.auth == "jwt" %}

import uuid
from datetime import datetime
from typing import Any, NamedTuple
{%- endif %}

from sqlalchemy import {% if cookiecutter.auth == "jwt" %}ColumnElement, {% endif %}func, select{% if cookiecutter.auth == "jwt" %}, update{% endif %}
{%- if cookiecutter.auth == "jwt" %}
from sqlalchemy.exc import IntegrityError
{%- endif %}

from src.models import User
from src.repositories.base import PageRows, Repository{% if cookiecutter.auth == "jwt" %}, raise_duplicate_or_reraise{% endif %}{% if cookiecutter.auth == "none" %}, rows_of{% endif %}
{%- if cookiecutter.auth == "jwt" %}


class Credentials(NamedTuple):
    """What checking a password needs, and nothing more: plain values, valid after release."""

    id: uuid.UUID
    email: str
    hashed_password: str
    token_version: int


class SignedIn(NamedTuple):
    """What a bearer token's check and its caller need: the public columns and token_version."""

    id: uuid.UUID
    email: str
    display_name: str
    is_admin: bool
    created_at: datetime
    token_version: int


# What a user shows (no password hash, no token_version), as plain rows.
PUBLIC = select(User.id, User.email, User.display_name, User.is_admin, User.created_at)
# Every authenticated request runs this, straight on asyncpg: 4-13 % less CPU per get, 9-21 %
# per create than through SQLAlchemy's adapter (benchmarks/README.md). `SignedIn`'s columns.
SIGNED_IN = (
    "SELECT id, email, display_name, is_admin, created_at, token_version FROM users WHERE id = $1"
)
OLDEST_FIRST = PUBLIC.order_by(User.created_at, User.id)
{%- else %}

OLDEST_FIRST = rows_of(User).order_by(User.created_at, User.id)
{%- endif %}


class UserRepository(Repository[User]):
    """Users by id, by email, and in pages."""

    model = User

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this email (case-insensitive), or None."""
        statement = select(User).where(User.email == email.lower())
        return await self.session.scalar(statement)

    async def list_page(self, limit: int, offset: int) -> PageRows:
        """Return one page of users, oldest first, and how many there are."""
        return await self.page(OLDEST_FIRST, {}, limit, offset)

    async def count(self) -> int:
        """Return how many users exist."""
        return await self.session.scalar(select(func.count()).select_from(User)) or 0
{%- if cookiecutter.auth == "jwt" %}

    async def get_signed_in(self, user_id: uuid.UUID) -> SignedIn | None:
        """Return what a bearer token's check and its caller need, or None."""
        # On the request's own connection (no second checkout): inside its transaction once a
        # statement has begun it, else on its own, which at READ COMMITTED reads the same.
        connection = await self.session.connection()
        driver: Any = (await connection.get_raw_connection()).driver_connection  # asyncpg's
        try:
            row = await driver.fetchrow(SIGNED_IN, user_id)
        except Exception:
            if driver.is_closed():  # As after SQLAlchemy's own statements: it leaves the pool.
                await connection.invalidate()
            raise
        return SignedIn(*row) if row is not None else None

    async def get_credentials(self, email: str) -> Credentials | None:
        """Return what checking the password of the user with this email needs, or None."""
        return await self._credentials(User.email == email.lower())

    async def get_credentials_by_id(self, user_id: uuid.UUID) -> Credentials | None:
        """Return what checking the password of the user with this id needs, or None."""
        return await self._credentials(User.id == user_id)

    async def _credentials(self, condition: ColumnElement[bool]) -> Credentials | None:
        """Read the narrow credentials row matching condition."""
        statement = select(User.id, User.email, User.hashed_password, User.token_version)
        row = (await self.session.execute(statement.where(condition))).first()
        return Credentials(*row) if row is not None else None

    async def update_account(
        self, user_id: uuid.UUID, values: dict[str, Any], *, revoke_tokens_from: int | None
    ) -> User | None:
        """Write changes in one UPDATE; with `revoke_tokens_from`, also bump token_version.

        The bump is `token_version + 1` in SQL and only applies while the version is still the
        one the caller read, so of two concurrent password changes one wins and the other gets
        None (as does a user that no longer exists).
        """
        statement = update(User).where(User.id == user_id).values(**values).returning(User)
        if revoke_tokens_from is not None:
            statement = statement.where(User.token_version == revoke_tokens_from).values(
                token_version=User.token_version + 1
            )
        try:
            return await self.session.scalar(
                statement, execution_options={"populate_existing": True}
            )
        except IntegrityError as exc:
            raise_duplicate_or_reraise(exc)
{%- endif %}
