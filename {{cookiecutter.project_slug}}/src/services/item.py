"""Items: each belongs to its creator, and others cannot tell it exists."""

import uuid

import structlog

from src.errors import NotFoundError
from src.models import Item
from src.repositories.item import ItemRepository
from src.schemas.common import Page, PageParams, page_of
from src.schemas.item import ItemCreate, ItemOut, ItemUpdate

log = structlog.get_logger()


class ItemService:
    """Creates, reads, changes and deletes the caller's items."""

    def __init__(self, items: ItemRepository) -> None:
        self.items = items

    async def create(self, owner_id: uuid.UUID, item_in: ItemCreate) -> ItemOut:
        """Create an item owned by the caller."""
        item = await self.items.add(Item(**item_in.model_dump(), owner_id=owner_id))
        log.info("item_created", item_id=str(item.id))
        return ItemOut.model_validate(item)

    async def get(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> ItemOut:
        """Return one of the caller's items."""
        return ItemOut.model_validate(await self._require(owner_id, item_id))

    async def list(self, owner_id: uuid.UUID, page: PageParams) -> Page[ItemOut]:
        """Return one page of the caller's items, newest first."""
        found = await self.items.list_owned(owner_id, page.limit, page.offset)
        return page_of([ItemOut.model_validate(row) for row in found.rows], found.total, page)

    async def update(self, owner_id: uuid.UUID, item_id: uuid.UUID, changes: ItemUpdate) -> ItemOut:
        """Apply a partial change to one of the caller's items."""
        item = await self._require(owner_id, item_id)
        for field, value in changes.model_dump(exclude_unset=True).items():
            setattr(item, field, value)
        await self.items.flush()
        log.info("item_updated", item_id=str(item.id))
        return ItemOut.model_validate(item)

    async def delete(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> None:
        """Delete one of the caller's items."""
        await self.items.delete(await self._require(owner_id, item_id))
        log.info("item_deleted", item_id=str(item_id))

    async def _require(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> Item:
        """Return the caller's item; someone else's answers exactly like a missing one."""
        item = await self.items.get_owned(item_id, owner_id)
        if item is None:
            raise NotFoundError("Item not found.")
        return item
