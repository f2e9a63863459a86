"""A cap on request bodies, enforced before anything reads or parses them."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.problems import problem_response


def declared_length(scope: Scope) -> int | None:
    """Return the Content-Length header's value, or None without one (a chunked body)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimitMiddleware:
    """Answer 413 to a body over `max_bytes`, without reading more than that of it.

    With Content-Length the answer comes at once. A chunked body is read here up to the
    limit, before the application runs, and replayed to it; the first chunk past the limit
    ends the request. Either way no dependency, parser or handler sees an oversized body.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection; non-HTTP scopes pass straight through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(scope)
        if length is not None and length <= self.max_bytes:
            # The server delivers no more than Content-Length: nothing to count.
            await self.app(scope, receive, send)
            return
        if length is not None:
            await self.refuse(scope, receive, send)
            return
        buffered = await self.read_capped(receive)
        if buffered is None:
            await self.refuse(scope, receive, send)
            return
        await self.app(scope, replay(buffered, receive), send)

    async def read_capped(self, receive: Receive) -> list[Message] | None:
        """Read a body of unknown length; None as soon as it grows past the limit."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages  # The client went away; the application will see it too.
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the 413 problem."""
        detail = f"The request body is larger than {self.max_bytes} bytes."
        # The rest of the body is never read: the server closes the connection after this.
        refusal = problem_response(scope, 413, detail, headers={"Connection": "close"})
        await refusal(scope, receive, send)


def replay(messages: list[Message], receive: Receive) -> Receive:
    """Return a `receive` that hands out the buffered messages, then the real ones."""
    pending = list(messages)

    async def receive_buffered() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return receive_buffered
