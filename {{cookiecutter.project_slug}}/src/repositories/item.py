"""Queries on items."""
{%- if cookiecutter.auth == "jwt" %}

import uuid

from sqlalchemy import select
{%- endif %}

from src.models import Item
from src.repositories.base import PageRows, Repository


class ItemRepository(Repository[Item]):
    """Items{% if cookiecutter.auth == "jwt" %}, always seen through their owner{% endif %}."""

    model = Item
{%- if cookiecutter.auth == "jwt" %}

    async def get_owned(self, item_id: uuid.UUID, owner_id: uuid.UUID) -> Item | None:
        """Return the item if it exists and belongs to the owner, else None."""
        statement = select(Item).where(Item.id == item_id, Item.owner_id == owner_id)
        return await self.session.scalar(statement)

    async def list_owned(self, owner_id: uuid.UUID, limit: int, offset: int) -> PageRows:
        """Return one page of the owner's items, newest first, and how many there are."""
        statement = (
            self.rows()
            .where(Item.owner_id == owner_id)
            .order_by(Item.created_at.desc(), Item.id.desc())
        )
        return await self.page(statement, limit, offset)
{%- else %}

    async def list_page(self, limit: int, offset: int) -> PageRows:
        """Return one page of items, newest first, and how many there are."""
        statement = self.rows().order_by(Item.created_at.desc(), Item.id.desc())
        return await self.page(statement, limit, offset)
{%- endif %}
