"""User schemas{% if cookiecutter.auth == "jwt" %}: the password goes in, never out, and is a Secret in between{% endif %}."""

import uuid
from datetime import datetime
from typing import Annotated{% if cookiecutter.auth == "jwt" %}, Self{% endif %}

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
{%- if cookiecutter.auth == "jwt" %}
    Secret,
    StringConstraints,
{%- endif %}
    field_validator,
{%- if cookiecutter.auth == "jwt" %}
    model_validator,
{%- endif %}
)

from src.schemas.common import NO_NUL_PATTERN, RequestModel, omitted_not_null, refuse_null

EMAIL_MAX_LENGTH = 320
DISPLAY_NAME_MAX_LENGTH = 100
{%- if cookiecutter.auth == "jwt" %}
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128  # Argon2 accepts more; the bound stops hashing megabyte inputs.
{%- endif %}


def _email_address(value: str) -> str:
    """Return the address normalized, or refuse it with email-validator's reason."""
    try:
        # test_environment: RFC 6761 asks software to treat `.test` domains like any other.
        return validate_email(value, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as exc:
        msg = f"value is not a valid email address: {exc}"
        raise ValueError(msg) from exc


# Like pydantic's EmailStr, documented as `format: email`, but a plain address only (no
# `Name <address>` form) and with `.test` domains allowed, as that format allows them.
Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"format": "email"}),
    AfterValidator(_email_address),
]
DisplayName = Annotated[
    str, Field(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH, pattern=NO_NUL_PATTERN)
]
{%- if cookiecutter.auth == "jwt" %}
# Secret: no repr, log line or traceback can show it; only the hasher reads the value. The
# lengths apply to the str inside: on SecretStr itself, their errors would count "items".
WRITE_ONLY = Field(json_schema_extra={"format": "password", "writeOnly": True})
Password = Annotated[
    Secret[
        Annotated[
            str, StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
        ]
    ],
    WRITE_ONLY,
]
# A password to check against the stored one: no rule but the bound, so any wrong one is 401.
PasswordAttempt = Annotated[
    Secret[Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX_LENGTH)]],
    WRITE_ONLY,
]
{%- endif %}


class UserBase(BaseModel):
    """Fields a user shares with the outside world."""

    email: Email
    display_name: DisplayName


{% if cookiecutter.auth == "jwt" -%}
class UserCreate(UserBase, RequestModel):
    """Sign-up input: the plain-text password is hashed by the service."""

    password: Password


class UserUpdate(RequestModel):
    """A partial change: omitted fields stay as they are.

    A new email or password needs the caller's own current password as well, so that a
    stolen token alone cannot take the account over.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "dependentRequired": {"email": ["current_password"], "password": ["current_password"]}
        }
    )

    # None only stands for "omitted": the schema shows no null, and the validator refuses one.
    email: Email | None = Field(default=None, json_schema_extra=omitted_not_null)
    display_name: DisplayName | None = Field(default=None, json_schema_extra=omitted_not_null)
    password: Password | None = Field(default=None, json_schema_extra=omitted_not_null)
    current_password: PasswordAttempt | None = Field(
        default=None, json_schema_extra=omitted_not_null
    )

    _fields_not_null = field_validator("email", "display_name", "password", "current_password")(
        refuse_null
    )

    @model_validator(mode="after")
    def _current_password_for_credentials(self) -> Self:
        """Ask for current_password whenever the email or the password changes."""
        if self.changes_credentials and self.current_password is None:
            msg = "current_password is required to change the email or the password"
            raise ValueError(msg)
        return self

    @property
    def changes_credentials(self) -> bool:
        """Whether the email or the password changes (current_password was then checked)."""
        return self.email is not None or self.password is not None
{%- else -%}
class UserCreate(UserBase, RequestModel):
    """Sign-up input."""


class UserUpdate(RequestModel):
    """A partial change: omitted fields stay as they are."""

    # None only stands for "omitted": the schema shows no null, and the validator refuses one.
    email: Email | None = Field(default=None, json_schema_extra=omitted_not_null)
    display_name: DisplayName | None = Field(default=None, json_schema_extra=omitted_not_null)

    _fields_not_null = field_validator("email", "display_name")(refuse_null)
{%- endif %}


class UserOut(UserBase):
    """A user as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    # Validated on the way in; checking it again on every read would cost more than the query.
    email: str = Field(json_schema_extra={"format": "email"})
    id: uuid.UUID
{%- if cookiecutter.auth == "jwt" %}
    is_admin: bool
{%- endif %}
    created_at: datetime
