"""Queries on items.

Each statement is built once, at import, with named parameters bound per call: building a
SQLAlchemy statement costs more CPU than PostgreSQL spends running it (benchmarks/README.md).
"""

import uuid

from sqlalchemy import bindparam, select

from src.models import Item
from src.repositories.base import PageRows, Repository, rows_of

OWNED = select(Item).where(Item.id == bindparam("item_id"), Item.owner_id == bindparam("owner_id"))
OWNED_NEWEST_FIRST = (
    rows_of(Item)
    .where(Item.owner_id == bindparam("owner_id"))
    .order_by(Item.created_at.desc(), Item.id.desc())
)


class ItemRepository(Repository[Item]):
    """Items, always seen through their owner."""

    model = Item

    async def get_owned(self, item_id: uuid.UUID, owner_id: uuid.UUID) -> Item | None:
        """Return the item if it exists and belongs to the owner, else None."""
        return await self.session.scalar(OWNED, {"item_id": item_id, "owner_id": owner_id})

    async def list_owned(self, owner_id: uuid.UUID, limit: int, offset: int) -> PageRows:
        """Return one page of the owner's items, newest first, and how many there are."""
        return await self.page(OWNED_NEWEST_FIRST, {"owner_id": owner_id}, limit, offset)
