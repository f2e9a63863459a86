"""Response envelopes, pagination and field rules shared by every endpoint."""

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# PostgreSQL text cannot hold NUL characters (asyncpg raises, a 500), so they are invalid input.
NO_NUL_PATTERN = r"^[^\x00]*$"


def refuse_null[T](value: T | None) -> T:
    """Refuse an explicit null for a field that may be omitted but not emptied."""
    if value is None:
        msg = "may be omitted but not null"
        raise ValueError(msg)
    return value


def omitted_not_null(schema: JsonDict) -> None:
    """Document a field that may be omitted but not null: drop its null branch and default."""
    schema.pop("default", None)
    branches = schema.pop("anyOf", [])
    for branch in branches if isinstance(branches, list) else []:
        if isinstance(branch, dict) and branch.get("type") != "null":
            schema.update(branch)


class RequestModel(BaseModel):
    """Base of every request body: a field the API does not know is an error, not ignored."""

    # A misspelt field ({"titel": ...}) would otherwise be dropped and the request "succeed".
    model_config = ConfigDict(extra="forbid")


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


def page_of[T](data: list[T], total: int, params: PageParams) -> Page[T]:
    """Wrap one page of results with where it sits in the whole collection."""
    return Page(data=data, meta=PageMeta(total=total, limit=params.limit, offset=params.offset))
