"""Every route the service serves, in matching order."""

from starlette.routing import BaseRoute

from src.api import health
{% if cookiecutter.auth == "jwt" -%}
from src.api.v1 import auth, items, users
{%- else -%}
from src.api.v1 import items, users
{%- endif %}

ROUTERS = (health.router, {% if cookiecutter.auth == "jwt" %}auth.router, {% endif %}users.router, items.router)


def all_routes() -> list[BaseRoute]:
    """Return the routers' routes as one flat list, prefixes, tags and responses applied.

    Not `include_router`: FastAPI dispatches each included router as a level of its own at
    request time; flat routes serve `/health/live` in 77 µs of CPU instead of 90 (in process,
    FastAPI 0.165), a 15 % gain on that route (benchmarks/README.md).
    """
    return [route for router in ROUTERS for route in router.routes]
