"""Liveness and readiness probes, outside the versioned API."""

from fastapi import APIRouter

from src.api.deps import HealthServiceDep
from src.api.openapi import operation_id
from src.schemas.common import DataResponse
from src.schemas.health import HealthOut

router = APIRouter(prefix="/health", tags=["health"], generate_unique_id_function=operation_id)


@router.get("/live")
async def live() -> DataResponse[HealthOut]:
    """Answer as long as the process serves requests; never touches the database."""
    return DataResponse(data=HealthOut())


@router.get("/ready", responses={503: {"description": "A dependency cannot be reached."}})
async def ready(health: HealthServiceDep) -> DataResponse[HealthOut]:
    """Answer 200 only when the database{% if cookiecutter.background_jobs == "arq" %} and Redis{% endif %} can be reached too."""
    return DataResponse(data=await health.readiness())
