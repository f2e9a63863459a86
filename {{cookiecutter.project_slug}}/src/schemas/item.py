"""Item schemas."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

TITLE_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 255


class ItemBase(BaseModel):
    """Fields a client writes and reads."""

    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)


class ItemCreate(ItemBase):
    """Input for a new item."""


class ItemUpdate(BaseModel):
    """A partial change: omitted fields stay as they are; a null description clears it."""

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)

    @field_validator("title")
    @classmethod
    def _omit_rather_than_null(cls, value: str | None) -> str:
        """Refuse an explicit null title: it can be left out, not emptied."""
        if value is None:
            msg = "may be omitted but not null"
            raise ValueError(msg)
        return value


class ItemOut(ItemBase):
    """An item as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
{%- if cookiecutter.auth == "jwt" %}
    owner_id: uuid.UUID
{%- endif %}
    created_at: datetime
