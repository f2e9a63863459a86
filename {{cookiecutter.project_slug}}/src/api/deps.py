"""Dependency wiring: the only place where services meet their repositories."""

from collections.abc import Awaitable, Callable
from typing import Annotated

{% if cookiecutter.auth == "jwt" -%}
import structlog
{% endif -%}
from fastapi import BackgroundTasks, Depends, Request
{%- if cookiecutter.auth == "jwt" %}
from fastapi.security import OAuth2PasswordBearer
{%- endif %}

from src.background import run_after_response
from src.database import Database, DbSession
{%- if cookiecutter.background_jobs == "arq" %}
from src.jobs.queue import ArqJobQueue
{%- endif %}
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
from src.services.health import HealthService, Probe
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


{%- if cookiecutter.background_jobs == "arq" %}


def job_queue(request: Request) -> ArqJobQueue:
    """Return the application's job queue."""
    queue: ArqJobQueue = request.app.state.job_queue
    return queue
{%- endif %}


async def get_health_service({% if cookiecutter.background_jobs == "arq" %}request: Request, {% endif %}session: DbSession) -> HealthService:
    """Provide the health service."""
    probes: dict[str, Probe] = {"the database": HealthRepository(session).database_answers}
{%- if cookiecutter.background_jobs == "arq" %}
    probes["Redis"] = job_queue(request).reachable
{%- endif %}
    return HealthService(probes)


async def get_user_service(request: Request, session: DbSession) -> UserService:
    """Provide the user service."""
    return UserService(
        UserRepository(session),
{%- if cookiecutter.auth == "jwt" %}
        password_hasher(request),
{%- endif %}
        client_limits(request),
{%- if cookiecutter.background_jobs == "arq" %}
        job_queue(request),
{%- endif %}
    )


async def log_user_count(request: Request) -> None:
    """Log the number of users; runs after the response, in a unit of work of its own."""
    database: Database = request.app.state.database
    async with database.unit_of_work() as session:
        users = await get_user_service(request, session)
        await users.log_total()


async def get_item_service(session: DbSession) -> ItemService:
    """Provide the item service."""
    return ItemService(ItemRepository(session))


class AfterResponse:
    """Runs work once the response is sent, in this process (see src/background.py)."""

    def __init__(self, request: Request, tasks: BackgroundTasks) -> None:
        self.request = request
        self.tasks = tasks

    def run(self, work: Callable[[Request], Awaitable[None]]) -> None:
        """Run `work(request)` after the response, in a unit of work of its own."""
        run_after_response(self.tasks, work, self.request)


AfterResponseDep = Annotated[AfterResponse, Depends()]
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


async def get_auth_service(request: Request, session: DbSession) -> AuthService:
    """Provide the authentication service."""
    return AuthService(UserRepository(session), request.app.state.settings)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_current_user(
    token: Annotated[str | None, Depends(oauth2_scheme)], auth: AuthServiceDep
) -> UserOut:
    """Authenticate the bearer token and tag the request's log lines with the user."""
    user = await auth.authenticate(token)
    structlog.contextvars.bind_contextvars(user_id=str(user.id))
    return user


CurrentUser = Annotated[UserOut, Depends(get_current_user)]
{%- endif %}
