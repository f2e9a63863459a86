"""Health-check schemas."""

from typing import Literal

from pydantic import BaseModel


class HealthOut(BaseModel):
    """The service's own view of its health."""

    status: Literal["ok"] = "ok"
