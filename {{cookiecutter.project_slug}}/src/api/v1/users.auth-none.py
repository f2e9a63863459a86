"""User endpoints."""

import uuid

from fastapi import APIRouter, status

from src.api.deps import AfterResponseDep, UserServiceDep, log_user_count
from src.api.openapi import operation_id
from src.api.v1 import PREFIX
from src.schemas.common import DataResponse, Page, PageQuery
from src.schemas.problem import problem_responses
from src.schemas.user import UserCreate, UserOut, UserUpdate

router = APIRouter(
    prefix=f"{PREFIX}/users",
    tags=["users"],
    responses=problem_responses(422),
    generate_unique_id_function=operation_id,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 429{% if cookiecutter.background_jobs == "arq" %}, 503{% endif %}),
)
async def create_user(
    user_in: UserCreate, users: UserServiceDep, after_response: AfterResponseDep
) -> DataResponse[UserOut]:
    """Register a new user."""
    user = await users.create(user_in)
    after_response.run(log_user_count)
    return DataResponse(data=user)


@router.get("")
async def list_users(page: PageQuery, users: UserServiceDep) -> Page[UserOut]:
    """List users, oldest first."""
    return await users.list(page)


@router.get("/{user_id}", responses=problem_responses(404))
async def read_user(user_id: uuid.UUID, users: UserServiceDep) -> DataResponse[UserOut]:
    """Return one user."""
    return DataResponse(data=await users.get(user_id))


@router.patch("/{user_id}", responses=problem_responses(404, 409))
async def update_user(
    user_id: uuid.UUID, changes: UserUpdate, users: UserServiceDep
) -> DataResponse[UserOut]:
    """Change a user."""
    return DataResponse(data=await users.update(user_id, changes))


@router.delete(
    "/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_user(user_id: uuid.UUID, users: UserServiceDep) -> None:
    """Delete a user."""
    await users.delete(user_id)
