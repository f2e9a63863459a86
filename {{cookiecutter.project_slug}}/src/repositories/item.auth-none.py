"""Queries on items.

Each statement is built once, at import, with named parameters bound per call: building a
SQLAlchemy statement costs more CPU than PostgreSQL spends running it (benchmarks/README.md).
"""

from src.models import Item
from src.repositories.base import PageRows, Repository, rows_of

NEWEST_FIRST = rows_of(Item).order_by(Item.created_at.desc(), Item.id.desc())


class ItemRepository(Repository[Item]):
    """Items."""

    model = Item

    async def list_page(self, limit: int, offset: int) -> PageRows:
        """Return one page of items, newest first, and how many there are."""
        return await self.page(NEWEST_FIRST, {}, limit, offset)
