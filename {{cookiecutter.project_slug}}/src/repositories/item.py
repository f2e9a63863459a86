"""Queries on items."""
{%- if cookiecutter.auth == "jwt" %}

import uuid
{%- endif %}

from sqlalchemy import func, select

from src.models import Item
from src.repositories.base import Repository


class ItemRepository(Repository[Item]):
    """Items{% if cookiecutter.auth == "jwt" %}, always seen through their owner{% endif %}."""

    model = Item
{%- if cookiecutter.auth == "jwt" %}

    async def get_owned(self, item_id: uuid.UUID, owner_id: uuid.UUID) -> Item | None:
        """Return the item if it exists and belongs to the owner, else None."""
        statement = select(Item).where(Item.id == item_id, Item.owner_id == owner_id)
        return await self.session.scalar(statement)

    async def list_owned(self, owner_id: uuid.UUID, limit: int, offset: int) -> list[Item]:
        """Return one page of the owner's items, newest first."""
        statement = (
            select(Item)
            .where(Item.owner_id == owner_id)
            .order_by(Item.created_at.desc(), Item.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(await self.session.scalars(statement))

    async def count_owned(self, owner_id: uuid.UUID) -> int:
        """Return how many items the owner has."""
        statement = select(func.count()).select_from(Item).where(Item.owner_id == owner_id)
        return await self.session.scalar(statement) or 0
{%- else %}

    async def list_page(self, limit: int, offset: int) -> list[Item]:
        """Return one page of items, newest first."""
        statement = (
            select(Item)
            .order_by(Item.created_at.desc(), Item.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(await self.session.scalars(statement))

    async def count(self) -> int:
        """Return how many items exist."""
        return await self.session.scalar(select(func.count()).select_from(Item)) or 0
{%- endif %}
