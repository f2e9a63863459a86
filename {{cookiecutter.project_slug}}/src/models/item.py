"""An item: the example of an ordinary domain resource{% if cookiecutter.auth == "jwt" %} owned by a user{% endif %}."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, {% if cookiecutter.auth == "jwt" %}ForeignKey, {% endif %}Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from src.models.base import Base, utc_now


class Item(Base):
    """Something a user keeps track of."""

    __tablename__ = "items"
    __table_args__ = (
{%- if cookiecutter.auth == "jwt" %}
        # Serves "the caller's items, newest first" (ties broken by id) without a sort.
        Index("ix_items_owner_id_created_at_id", "owner_id", "created_at", "id"),
{%- else %}
        # Serves "items, newest first" (ties broken by id) without a sort.
        Index("ix_items_created_at_id", "created_at", "id"),
{%- endif %}
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
{%- if cookiecutter.auth == "jwt" %}
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
{%- endif %}
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, server_default=func.now()
    )
