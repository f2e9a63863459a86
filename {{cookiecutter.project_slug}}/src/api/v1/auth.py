"""Sign-in: exchange an email and password for a bearer token."""

from typing import Annotated

from fastapi import APIRouter, Form

from src.api.deps import AuthServiceDep
from src.api.openapi import operation_id
from src.api.v1 import PREFIX
from src.schemas.auth import PasswordGrantForm, TokenOut
from src.schemas.problem import problem_responses

router = APIRouter(prefix=f"{PREFIX}/auth", tags=["auth"], generate_unique_id_function=operation_id)


@router.post("/token", responses=problem_responses(401, 422))
async def issue_token(form: Annotated[PasswordGrantForm, Form()], auth: AuthServiceDep) -> TokenOut:
    """Sign in with the OAuth2 password flow (username = email)."""
    return await auth.login(form.username, form.password)
