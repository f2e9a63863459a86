"""User schemas: the password goes in, never out."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

EMAIL_MAX_LENGTH = 320
DISPLAY_NAME_MAX_LENGTH = 100
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128  # Argon2 accepts more; the bound stops hashing megabyte inputs.


class UserBase(BaseModel):
    """Fields a user shares with the outside world."""

    email: EmailStr = Field(max_length=EMAIL_MAX_LENGTH)
    display_name: str = Field(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH)


class UserCreate(UserBase):
    """Sign-up input: the plain-text password is hashed by the service."""

    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class UserUpdate(BaseModel):
    """A partial change: omitted fields stay as they are."""

    email: EmailStr | None = Field(default=None, max_length=EMAIL_MAX_LENGTH)
    display_name: str | None = Field(default=None, min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH)
    password: str | None = Field(
        default=None, min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH
    )

    @field_validator("email", "display_name", "password")
    @classmethod
    def _omit_rather_than_null(cls, value: str | None) -> str:
        """Refuse an explicit null: these fields can be left out, not emptied."""
        if value is None:
            msg = "may be omitted but not null"
            raise ValueError(msg)
        return value


class UserOut(UserBase):
    """A user as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
