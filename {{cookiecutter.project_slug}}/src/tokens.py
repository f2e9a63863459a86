"""Access tokens: short-lived HS256 JWTs, revoked by bumping the user's token_version."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import jwt

from src.config import Settings

# Pinned server-side: the token's own header never chooses the algorithm.
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "exp", "iat", "ver", "iss", "aud")


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired or missing a claim."""


class TokenClaims(NamedTuple):
    """What a verified token says about its bearer."""

    user_id: uuid.UUID
    token_version: int


def create_access_token(user_id: uuid.UUID, token_version: int, settings: Settings) -> str:
    """Sign a token for the user, valid for ACCESS_TOKEN_EXPIRE_MINUTES."""
    issued_at = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": issued_at,
        "exp": issued_at + timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES),
        "ver": token_version,
        "iss": settings.TOKEN_ISSUER,
        "aud": settings.TOKEN_AUDIENCE,
    }
    return jwt.encode(claims, settings.SECRET_KEY.get_secret_value(), algorithm=ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> TokenClaims:
    """Verify signature, expiry, issuer, audience and claims; raise InvalidTokenError otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.SECRET_KEY.get_secret_value(),
            algorithms=[ALGORITHM],
            issuer=settings.TOKEN_ISSUER,
            audience=settings.TOKEN_AUDIENCE,
            options={"require": list(REQUIRED_CLAIMS)},
        )
        return TokenClaims(uuid.UUID(claims["sub"]), _as_version(claims["ver"]))
    except (jwt.InvalidTokenError, AttributeError, TypeError, ValueError) as exc:
        raise InvalidTokenError from exc


def _as_version(value: object) -> int:
    """Accept only a plain integer version claim."""
    if type(value) is not int:
        msg = "ver must be an integer"
        raise TypeError(msg)
    return value
