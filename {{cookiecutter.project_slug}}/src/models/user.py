"""The user account."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, {% if cookiecutter.auth == "jwt" %}false, {% endif %}func{% if cookiecutter.background_jobs == "arq" %}, text{% endif %}
from sqlalchemy.orm import Mapped, mapped_column

from src.models.base import Base, utc_now


class User(Base):
    """A person{% if cookiecutter.auth == "jwt" %} who can sign in and own items{% else %} known to the service{% endif %}."""

    __tablename__ = "users"
    # Serves the user list's order (oldest first, ties broken by id) without a sort.
{%- if cookiecutter.background_jobs == "arq" %}
    __table_args__ = (
        Index("ix_users_created_at_id", "created_at", "id"),
        # The missed-welcome sweep reads only the few users not welcomed yet.
        Index("ix_users_not_welcomed", "created_at", postgresql_where=text("welcomed_at IS NULL")),
    )
{%- else %}
    __table_args__ = (Index("ix_users_created_at_id", "created_at", "id"),)
{%- endif %}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(100))
{%- if cookiecutter.auth == "jwt" %}
    hashed_password: Mapped[str] = mapped_column(String(255))
    # Bumped when the password changes; tokens carrying an older version are refused.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Granted with `python -m src.cli create-admin`, never through the API.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
{%- endif %}
{%- if cookiecutter.background_jobs == "arq" %}
    # Set by the welcome job; a user already welcomed is never welcomed again.
    welcomed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
{%- endif %}
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now, server_default=func.now()
    )
