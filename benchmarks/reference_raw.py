"""Raw reference: a bare ASGI callable on an asyncpg pool, the physical limit of this machine.

No framework, validation, auth or logging: every request runs the minimal SQL for its
operation in one round trip and answers the same JSON shapes as the generated service.
Items belong to the fixed owner given in ``BENCH_OWNER_ID``.

Run: ``uvicorn reference_raw:app --app-dir benchmarks --loop uvloop --http httptools``
with ``DATABASE_URL`` (SQLAlchemy or libpq form) and ``BENCH_OWNER_ID`` set.
"""

import json
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs

import asyncpg  # type: ignore[import-untyped]

try:
    import orjson

    # asyncpg returns its own UUID type, which orjson hands to `default`.
    _fast_dumps: Callable[[object], bytes] | None = partial(orjson.dumps, default=str)
except ImportError:  # the generated project's venv has orjson; a bare one may not
    _fast_dumps = None

type Scope = dict[str, Any]
type Message = dict[str, Any]
type Receive = Callable[[], Awaitable[Message]]
type Send = Callable[[Message], Awaitable[None]]

MAX_LIMIT = 100
ITEM_FIELDS = ("id", "title", "description", "owner_id", "created_at")
GET_ITEM = (
    "SELECT id, title, description, owner_id, created_at FROM items WHERE id = $1 AND owner_id = $2"
)
# One round trip for count + page; the LEFT JOIN keeps the count when the page is empty.
LIST_ITEMS = """
SELECT c.total, p.*
FROM (SELECT count(*) AS total FROM items WHERE owner_id = $1) AS c
LEFT JOIN LATERAL (
    SELECT id, title, description, owner_id, created_at FROM items WHERE owner_id = $1
    ORDER BY created_at DESC LIMIT $2 OFFSET $3
) AS p ON true
"""
CREATE_ITEM = (
    "INSERT INTO items (id, title, description, owner_id) VALUES ($1, $2, $3, $4) "
    "RETURNING created_at"
)
HEALTH_BODY = b'{"data":{"status":"ok"}}'
NOT_FOUND_BODY = b'{"detail":"Not Found"}'

_pool: asyncpg.Pool | None = None
_owner_id = uuid.UUID(int=0)


def _dsn() -> str:
    """Return the libpq form of DATABASE_URL."""
    return os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)


def _jsonable(value: object) -> str:
    """Encode the UUIDs and datetimes the standard json module does not know."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _dumps(payload: object) -> bytes:
    """Encode compact JSON, with orjson when it is installed (the generated project has it)."""
    if _fast_dumps is not None:
        return _fast_dumps(payload)
    return json.dumps(payload, separators=(",", ":"), default=_jsonable).encode()


def _item_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """Pick an item's fields from a row."""
    return {key: row[key] for key in ITEM_FIELDS}


def _query_int(query: Mapping[str, list[str]], name: str, default: int) -> int:
    """Read a non-negative integer query parameter, falling back to the default."""
    values = query.get(name)
    if not values or not values[0].isdigit():
        return default
    return int(values[0])


async def _respond(send: Send, status: int, body: bytes) -> None:
    """Send a complete JSON response."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    """Collect the request body."""
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _pool_or_fail() -> asyncpg.Pool:
    """Return the pool opened at startup."""
    if _pool is None:
        raise RuntimeError("the pool is opened by the lifespan startup")
    return _pool


async def get_item(item_id: str) -> tuple[int, bytes]:
    """SELECT one item by primary key."""
    try:
        key = uuid.UUID(item_id)
    except ValueError:
        return 404, NOT_FOUND_BODY
    row = await _pool_or_fail().fetchrow(GET_ITEM, key, _owner_id)
    if row is None:
        return 404, NOT_FOUND_BODY
    return 200, _dumps({"data": _item_json(row)})


async def list_items(query_string: bytes) -> tuple[int, bytes]:
    """Count the owner's items and fetch a page of the newest, in one statement."""
    query = parse_qs(query_string.decode("latin-1"))
    limit = max(1, min(_query_int(query, "limit", MAX_LIMIT), MAX_LIMIT))
    offset = _query_int(query, "offset", 0)
    rows = await _pool_or_fail().fetch(LIST_ITEMS, _owner_id, limit, offset)
    data = [_item_json(row) for row in rows if row["id"] is not None]
    meta = {"total": rows[0]["total"], "limit": limit, "offset": offset}
    return 200, _dumps({"data": data, "meta": meta})


async def create_item(body: bytes) -> tuple[int, bytes]:
    """INSERT one item ... RETURNING its server-side timestamp."""
    payload = json.loads(body)
    item_id = uuid.uuid4()
    title, description = payload["title"], payload.get("description")
    created_at = await _pool_or_fail().fetchval(CREATE_ITEM, item_id, title, description, _owner_id)
    item = {
        "id": item_id,
        "title": title,
        "description": description,
        "owner_id": _owner_id,
        "created_at": created_at,
    }
    return 201, _dumps({"data": item})


async def route(scope: Scope, receive: Receive) -> tuple[int, bytes]:
    """Dispatch one HTTP request to its handler."""
    method, path = scope["method"], scope["path"]
    if path == "/health/live" and method == "GET":
        return 200, HEALTH_BODY
    if path == "/api/v1/items":
        if method == "GET":
            return await list_items(scope["query_string"])
        if method == "POST":
            return await create_item(await _read_body(receive))
    if path.startswith("/api/v1/items/") and method == "GET":
        return await get_item(path.removeprefix("/api/v1/items/"))
    return 404, NOT_FOUND_BODY


async def lifespan(receive: Receive, send: Send) -> None:
    """Open the pool at startup and close it at shutdown."""
    global _pool, _owner_id
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _owner_id = uuid.UUID(os.environ["BENCH_OWNER_ID"])
            size = int(os.environ.get("BENCH_POOL_SIZE", "20"))
            _pool = await asyncpg.create_pool(_dsn(), min_size=size, max_size=size)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _pool_or_fail().close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """ASGI entry point."""
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    status, body = await route(scope, receive)
    await _respond(send, status, body)
