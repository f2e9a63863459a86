"""Token schemas, in the OAuth2 shape clients expect (not enveloped)."""

from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from src.schemas.common import NO_NUL_PATTERN, RequestModel
from src.schemas.user import EMAIL_MAX_LENGTH, PasswordAttempt


# Not FastAPI's OAuth2PasswordRequestForm: its schema offers null, which a form cannot carry,
# and allows empty fields that it then rejects as missing. This one documents what is accepted.
class PasswordGrantForm(RequestModel):
    """The OAuth2 password grant form (RFC 6749, section 4.3.2); the username is the email."""

    grant_type: Literal["password"] = "password"
    username: str = Field(min_length=1, max_length=EMAIL_MAX_LENGTH, pattern=NO_NUL_PATTERN)
    # Short ones fail like any wrong password (401); longer ones cannot match and are not hashed.
    password: PasswordAttempt
    scope: str = ""
    # Client authentication (RFC 6749, section 2.3.1) that some OAuth2 clients send; unused.
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")


class TokenOut(BaseModel):
    """An OAuth2 bearer token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
