"""User endpoints."""

import uuid

from fastapi import APIRouter, HTTPException, status

from src.api.deps import AfterResponseDep, CurrentUser, UserServiceDep, log_user_count
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
    responses=problem_responses(409, 429, 503),
)
async def create_user(
    user_in: UserCreate, users: UserServiceDep, after_response: AfterResponseDep
) -> DataResponse[UserOut]:
    """Register a new user."""
    user = await users.create(user_in)
    after_response.run(log_user_count)
    return DataResponse(data=user)


@router.get("/me", responses=problem_responses(401))
async def read_me(me: CurrentUser) -> DataResponse[UserOut]:
    """Return the signed-in user."""
    return DataResponse(data=me)


@router.api_route("/me", methods=["PATCH", "DELETE"], include_in_schema=False)
async def refuse_me_changes() -> None:
    """Answer 405: as in OpenAPI, `/me` is matched before `/{user_id}`, so "me" is no id."""
    raise HTTPException(status.HTTP_405_METHOD_NOT_ALLOWED)


@router.get("", responses=problem_responses(401, 403))
async def list_users(page: PageQuery, users: UserServiceDep, me: CurrentUser) -> Page[UserOut]:
    """List users, oldest first (administrators only)."""
    return await users.list(me, page)


@router.get("/{user_id}", responses=problem_responses(401, 404))
async def read_user(
    user_id: uuid.UUID, users: UserServiceDep, me: CurrentUser
) -> DataResponse[UserOut]:
    """Return your own account (an administrator: anyone's)."""
    return DataResponse(data=await users.get(me, user_id))


@router.patch("/{user_id}", responses=problem_responses(401, 403, 404, 409, 429, 503))
async def update_user(
    user_id: uuid.UUID, changes: UserUpdate, users: UserServiceDep, me: CurrentUser
) -> DataResponse[UserOut]:
    """Change your own account; a new email or password needs `current_password`."""
    return DataResponse(data=await users.update(me, user_id, changes))


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
async def delete_user(user_id: uuid.UUID, users: UserServiceDep, me: CurrentUser) -> None:
    """Delete your own account and its items (an administrator: anyone's)."""
    await users.delete(me, user_id)
