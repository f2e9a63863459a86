"""Items."""

import uuid

import structlog

from src.errors import NotFoundError
from src.models import Item
from src.repositories.item import ItemRepository
from src.schemas.common import Page, PageParams, page_of
from src.schemas.item import ItemCreate, ItemOut, ItemUpdate

log = structlog.get_logger()


class ItemService:
    """Creates, reads, changes and deletes items."""

    def __init__(self, items: ItemRepository) -> None:
        self.items = items

    async def create(self, item_in: ItemCreate) -> ItemOut:
        """Create an item."""
        item = await self.items.add(Item(**item_in.model_dump()))
        log.info("item_created", item_id=str(item.id))
        return ItemOut.model_validate(item)

    async def get(self, item_id: uuid.UUID) -> ItemOut:
        """Return one item."""
        return ItemOut.model_validate(await self._require(item_id))

    async def list(self, page: PageParams) -> Page[ItemOut]:
        """Return one page of items, newest first."""
        found = await self.items.list_page(page.limit, page.offset)
        return page_of([ItemOut.model_validate(row) for row in found.rows], found.total, page)

    async def update(self, item_id: uuid.UUID, changes: ItemUpdate) -> ItemOut:
        """Apply a partial change to an item."""
        item = await self._require(item_id)
        for field, value in changes.model_dump(exclude_unset=True).items():
            setattr(item, field, value)
        await self.items.flush()
        log.info("item_updated", item_id=str(item.id))
        return ItemOut.model_validate(item)

    async def delete(self, item_id: uuid.UUID) -> None:
        """Delete an item."""
        await self.items.delete(await self._require(item_id))
        log.info("item_deleted", item_id=str(item_id))

    async def _require(self, item_id: uuid.UUID) -> Item:
        """Return the item or raise NotFoundError."""
        item = await self.items.get(item_id)
        if item is None:
            raise NotFoundError("Item not found.")
        return item
