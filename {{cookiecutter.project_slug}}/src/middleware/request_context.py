"""Request id, log context, the one access line per request, and the last-resort 500."""

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.problems import problem_response

REQUEST_ID_HEADER = b"x-request-id"
# Inbound ids are echoed into logs and headers, so only short, plain values are kept.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

log = structlog.get_logger()


def inbound_request_id(scope: Scope) -> str | None:
    """Return the caller's X-Request-ID when it is safe to reuse, else None."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            return candidate if SAFE_REQUEST_ID.fullmatch(candidate) else None
    return None


def new_request_id() -> str:
    """Return a fresh id: 32 random hex digits."""
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Tag each request with an id, log one line for it, and turn crashes into a 500 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection; non-HTTP scopes pass straight through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = inbound_request_id(scope) or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_header = (REQUEST_ID_HEADER, request_id.encode())
        response: dict[str, float] = {}
        started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_with_request_id(message: Message) -> None:
            starts = message["type"] == "http.response.start"
            if starts:
                response["status"] = message["status"]
                message["headers"] = [*message.get("headers", ()), request_id_header]
            await send(message)
            if not starts and not message.get("more_body", False):
                # Background tasks run after the last body chunk: the line times the answer.
                response["sent"] = time.perf_counter()

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            log.exception("unhandled_exception")
            if "status" in response:
                raise  # Headers are out; the server can only drop the connection.
            crash = problem_response(scope, 500, "An unexpected error occurred.")
            await crash(scope, receive, send_with_request_id)
        finally:
            finished = response.get("sent") or time.perf_counter()
            log.info(
                "http_request",
                method=scope["method"],
                path=scope["path"],
                status_code=int(response.get("status", 500)),
                duration_ms=round((finished - started) * 1000, 2),
            )
            structlog.contextvars.clear_contextvars()
