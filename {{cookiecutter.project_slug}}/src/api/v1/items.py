"""Item endpoints: callers only ever see their own items."""

import uuid

from fastapi import APIRouter, status

from src.api.deps import CurrentUser, ItemServiceDep
from src.api.openapi import operation_id
from src.api.v1 import PREFIX
from src.schemas.common import DataResponse, Page, PageQuery
from src.schemas.item import ItemCreate, ItemOut, ItemUpdate
from src.schemas.problem import problem_responses

router = APIRouter(
    prefix=f"{PREFIX}/items",
    tags=["items"],
    responses=problem_responses(401, 422),
    generate_unique_id_function=operation_id,
)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_item(
    item_in: ItemCreate, items: ItemServiceDep, me: CurrentUser
) -> DataResponse[ItemOut]:
    """Create an item owned by you."""
    return DataResponse(data=await items.create(me.id, item_in))


@router.get("")
async def list_items(page: PageQuery, items: ItemServiceDep, me: CurrentUser) -> Page[ItemOut]:
    """List your items, newest first."""
    return await items.list(me.id, page)


@router.get("/{item_id}", responses=problem_responses(404))
async def read_item(
    item_id: uuid.UUID, items: ItemServiceDep, me: CurrentUser
) -> DataResponse[ItemOut]:
    """Return one of your items."""
    return DataResponse(data=await items.get(me.id, item_id))


@router.patch("/{item_id}", responses=problem_responses(404))
async def update_item(
    item_id: uuid.UUID, changes: ItemUpdate, items: ItemServiceDep, me: CurrentUser
) -> DataResponse[ItemOut]:
    """Change one of your items."""
    return DataResponse(data=await items.update(me.id, item_id, changes))


@router.delete(
    "/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_item(item_id: uuid.UUID, items: ItemServiceDep, me: CurrentUser) -> None:
    """Delete one of your items."""
    await items.delete(me.id, item_id)
