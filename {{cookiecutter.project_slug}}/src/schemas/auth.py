"""Token schemas, in the OAuth2 shape clients expect (not enveloped)."""

from typing import Literal

from pydantic import BaseModel


class TokenOut(BaseModel):
    """An OAuth2 bearer token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
