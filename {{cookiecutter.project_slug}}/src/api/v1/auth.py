"""Sign-in: exchange an email and password for a bearer token."""

from typing import Annotated

from fastapi import APIRouter, Form, Response

from src.api.deps import SignInServiceDep
from src.api.openapi import operation_id
from src.api.v1 import PREFIX
from src.schemas.auth import PasswordGrantForm, TokenOut
from src.schemas.problem import problem_responses

router = APIRouter(prefix=f"{PREFIX}/auth", tags=["auth"], generate_unique_id_function=operation_id)

# RFC 6749, section 5.1: a response carrying a token must not be stored by any cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post("/token", responses=problem_responses(401, 422, 429, 503))
async def issue_token(
    form: Annotated[PasswordGrantForm, Form()], sign_in: SignInServiceDep, response: Response
) -> TokenOut:
    """Sign in with the OAuth2 password flow (username = email)."""
    token = await sign_in.login(form.username, form.password.get_secret_value())
    response.headers.update(NO_STORE)
    return token
