"""Everything under /api/v1."""

from fastapi import APIRouter

{% if cookiecutter.auth == "jwt" -%}
from src.api.v1 import auth, items, users
{%- else -%}
from src.api.v1 import items, users
{%- endif %}

router = APIRouter(prefix="/api/v1")
{%- if cookiecutter.auth == "jwt" %}
router.include_router(auth.router)
{%- endif %}
router.include_router(users.router)
router.include_router(items.router)
