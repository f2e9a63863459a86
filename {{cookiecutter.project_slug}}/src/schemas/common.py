"""Response envelopes and pagination shared by every endpoint."""

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class DataResponse[T](BaseModel):
    """The envelope of a single resource: `{"data": ...}`."""

    data: T


class PageMeta(BaseModel):
    """Where a page sits in the whole collection."""

    total: int
    limit: int
    offset: int


class Page[T](BaseModel):
    """The envelope of a list: `{"data": [...], "meta": {...}}`."""

    data: list[T]
    meta: PageMeta


class PageParams(BaseModel):
    """Validated `limit` and `offset` query parameters."""

    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)


PageQuery = Annotated[PageParams, Query()]
