"""Sign-in and bearer-token authentication."""

import structlog

from src.config import Settings
from src.errors import AuthenticationError
from src.passwords import PasswordHasher
from src.rate_limits import ClientLimits
from src.repositories.user import UserRepository
from src.schemas.auth import TokenOut
from src.schemas.user import UserOut
from src.tokens import InvalidTokenError, create_access_token, decode_access_token

log = structlog.get_logger()

# One message for every failure, so responses never reveal which part was wrong.
BAD_CREDENTIALS = "Incorrect email or password."
BAD_TOKEN = "The access token is missing, invalid, expired or revoked."


class AuthService:
    """Turns tokens back into users."""

    def __init__(self, users: UserRepository, settings: Settings) -> None:
        self.users = users
        self.settings = settings

    async def authenticate(self, token: str | None) -> UserOut:
        """Return the token's user if the token is valid and not revoked."""
        if token is None:
            raise AuthenticationError(BAD_TOKEN)
        try:
            claims = decode_access_token(token, self.settings)
        except InvalidTokenError as exc:
            raise AuthenticationError(BAD_TOKEN) from exc
        user = await self.users.get_signed_in(claims.user_id)
        if user is None or user.token_version != claims.token_version:
            raise AuthenticationError(BAD_TOKEN)
        return UserOut.model_validate(user)


class SignInService:
    """Turns an email and a password into a token, within the rate limits."""

    def __init__(
        self,
        users: UserRepository,
        hasher: PasswordHasher,
        limits: ClientLimits,
        settings: Settings,
    ) -> None:
        self.users = users
        self.hasher = hasher
        self.limits = limits
        self.settings = settings

    async def login(self, email: str, password: str) -> TokenOut:
        """Issue an access token; unknown emails cost the same time as wrong passwords."""
        await self.limits.sign_in(email)
        # The slot first: past the hashing bound, a sign-in is refused before any database read.
        async with self.hasher.slot() as hashing:
            credentials = await self.users.get_credentials(email)
            # Argon2 takes tens of milliseconds: no pooled connection waits on it.
            await self.users.release_connection()
            hashed = credentials.hashed_password if credentials is not None else None
            verified = await hashing.verify(password, hashed)
        if not verified or credentials is None:
            log.info("login_failed")
            raise AuthenticationError(BAD_CREDENTIALS)
        log.info("login_succeeded", user_id=str(credentials.id))
        token = create_access_token(credentials.id, credentials.token_version, self.settings)
        return TokenOut(access_token=token)
