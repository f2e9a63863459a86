"""CORS whose refused preflight is a problem+json like every other error."""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.status import HTTP_400_BAD_REQUEST
from starlette.types import Receive, Scope, Send

from src.problems import problem_response

# Starlette's own headers of the plain-text answer; the problem sets its own.
BODY_HEADERS = frozenset({"content-length", "content-type"})


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware; a rejected preflight answers 400 problem+json, not text."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights here; everything else as Starlette does."""
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if (
            headers is None
            or scope["method"] != "OPTIONS"
            or "origin" not in headers
            or "access-control-request-method" not in headers
        ):
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code == HTTP_400_BAD_REQUEST:  # Starlette refused the preflight.
            kept = {k: v for k, v in response.headers.items() if k not in BODY_HEADERS}
            detail = bytes(response.body).decode()
            response = problem_response(scope, HTTP_400_BAD_REQUEST, detail, headers=kept)
        await response(scope, receive, send)
