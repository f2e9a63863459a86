"""Dependency wiring: the only place where services meet their repositories."""

from typing import Annotated

{% if cookiecutter.auth == "jwt" -%}
import structlog
{% endif -%}
from fastapi import Depends, Request
{%- if cookiecutter.auth == "jwt" %}
from fastapi.security import OAuth2PasswordBearer
{%- endif %}

from src.database import DbSession
{%- if cookiecutter.auth == "jwt" %}
from src.passwords import PasswordHasher
{%- endif %}
from src.rate_limits import ClientLimits
from src.repositories.health import HealthRepository
from src.repositories.item import ItemRepository
from src.repositories.user import UserRepository
{%- if cookiecutter.auth == "jwt" %}
from src.schemas.user import UserOut
from src.services.auth import AuthService, SignInService
{%- endif %}
from src.services.health import HealthService
from src.services.item import ItemService
from src.services.user import UserService


def client_limits(request: Request) -> ClientLimits:
    """Return the rate limits of the request's client address.

    The address is the socket's peer, or what a proxy in FORWARDED_ALLOW_IPS says it
    forwarded for (see create_app); a client cannot choose it with a header of its own.
    """
    address = request.client.host if request.client is not None else "unknown"
    return ClientLimits(request.app.state.rate_limiter, address)
{%- if cookiecutter.auth == "jwt" %}


def password_hasher(request: Request) -> PasswordHasher:
    """Return the application's bounded password hasher."""
    hasher: PasswordHasher = request.app.state.password_hasher
    return hasher
{%- endif %}


async def get_health_service(session: DbSession) -> HealthService:
    """Provide the health service."""
    return HealthService(HealthRepository(session))


async def get_user_service(request: Request, session: DbSession) -> UserService:
    """Provide the user service."""
    return UserService(UserRepository(session), {% if cookiecutter.auth == "jwt" %}password_hasher(request), {% endif %}client_limits(request))


async def get_item_service(session: DbSession) -> ItemService:
    """Provide the item service."""
    return ItemService(ItemRepository(session))


HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]
UserServiceDep = Annotated[UserService, Depends(get_user_service)]
ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]
{%- if cookiecutter.auth == "jwt" %}

# auto_error=False: a missing token must go through the same problem+json 401 as a bad one.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_sign_in_service(request: Request, session: DbSession) -> SignInService:
    """Provide the sign-in service."""
    return SignInService(
        UserRepository(session),
        password_hasher(request),
        client_limits(request),
        request.app.state.settings,
    )


SignInServiceDep = Annotated[SignInService, Depends(get_sign_in_service)]


async def get_current_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)], session: DbSession
) -> UserOut:
    """Authenticate the bearer token and tag the request's log lines with the user."""
    # Built here, not injected: one dependency fewer to solve on every authenticated request.
    auth = AuthService(UserRepository(session), request.app.state.settings)
    user = await auth.authenticate(token)
    structlog.contextvars.bind_contextvars(user_id=str(user.id))
    return user


CurrentUser = Annotated[UserOut, Depends(get_current_user)]
{%- endif %}
