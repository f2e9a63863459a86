"""Everything under /api/v1."""

from fastapi import APIRouter

{% if cookiecutter.auth == "jwt" -%}
from src.api.v1 import auth, items, users
{%- else -%}
from src.api.v1 import items, users
{%- endif %}

PREFIX = "/api/v1"
# Included into the app one by one rather than through a parent router: FastAPI dispatches
# every level of router nesting on its own, and each level costs every request.
ROUTERS: tuple[APIRouter, ...] = ({% if cookiecutter.auth == "jwt" %}auth.router, {% endif %}users.router, items.router)
