"""Item schemas."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from src.schemas.common import NO_NUL_PATTERN, RequestModel, omitted_not_null, refuse_null

TITLE_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 255

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX_LENGTH, pattern=NO_NUL_PATTERN)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH, pattern=NO_NUL_PATTERN)]


class ItemBase(BaseModel):
    """Fields a client writes and reads."""

    title: Title
    description: Description | None = None


class ItemCreate(ItemBase, RequestModel):
    """Input for a new item."""


class ItemUpdate(RequestModel):
    """A partial change: omitted fields stay as they are; a null description clears it."""

    # None only stands for "omitted": the schema shows no null, and the validator refuses one.
    title: Title | None = Field(default=None, json_schema_extra=omitted_not_null)
    description: Description | None = None

    _title_not_null = field_validator("title")(refuse_null)


class ItemOut(ItemBase):
    """An item as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
{%- if cookiecutter.auth == "jwt" %}
    owner_id: uuid.UUID
{%- endif %}
    created_at: datetime
