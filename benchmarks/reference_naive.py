"""Naive reference: plain FastAPI + SQLAlchemy async, the way a small service is usually written.

Same auth lookup and queries as the generated service (decode the HS256 JWT, load the user
by id, compare ``ver`` with ``token_version``), Pydantic in and out, one session per request;
no layers, middleware, structured logging or problem+json.

Run: ``uvicorn reference_naive:app --app-dir benchmarks --loop uvloop --http httptools``
with ``DATABASE_URL`` (postgresql+asyncpg://...) and ``SECRET_KEY`` set.
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import DateTime, ForeignKey, Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine(
    os.environ["DATABASE_URL"],
    pool_size=int(os.environ.get("BENCH_POOL_SIZE", "20")),
    max_overflow=0,
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
SECRET_KEY = os.environ["SECRET_KEY"]
# The generated service signs and checks `iss` and `aud` too.
TOKEN_CLAIM = os.environ.get("TOKEN_ISSUER", "bench")


class Base(DeclarativeBase):
    """Declarative base."""


class User(Base):
    """users table (only the columns auth reads)."""

    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    token_version: Mapped[int] = mapped_column(Integer)


class Item(Base):
    """items table."""

    __tablename__ = "items"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ItemCreate(BaseModel):
    """Body of POST /api/v1/items."""

    title: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=255)


class ItemOut(BaseModel):
    """An item as returned."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    title: str
    description: str | None
    owner_id: uuid.UUID
    created_at: datetime


class ItemResponse(BaseModel):
    """One item in the envelope."""

    data: ItemOut


class PageMeta(BaseModel):
    """Pagination metadata."""

    total: int
    limit: int
    offset: int


class ItemPage(BaseModel):
    """A page of items in the envelope."""

    data: list[ItemOut]
    meta: PageMeta


async def get_db() -> AsyncIterator[AsyncSession]:
    """Yield one session per request."""
    async with SessionLocal() as session:
        yield session


Db = Annotated[AsyncSession, Depends(get_db)]
bearer = HTTPBearer()


async def current_user(
    db: Db, credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]
) -> User:
    """Decode the token, load its user and check the token version."""
    try:
        claims = jwt.decode(
            credentials.credentials,
            SECRET_KEY,
            algorithms=["HS256"],
            issuer=TOKEN_CLAIM,
            audience=TOKEN_CLAIM,
        )
        user_id = uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise HTTPException(status_code=401, detail="Invalid token") from exc
    user = await db.get(User, user_id)
    if user is None or user.token_version != claims.get("ver"):
        raise HTTPException(status_code=401, detail="Invalid token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Dispose of the engine at shutdown."""
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/health/live")
async def live() -> dict[str, dict[str, str]]:
    """Liveness."""
    return {"data": {"status": "ok"}}


@app.post("/api/v1/items", status_code=201, response_model=ItemResponse)
async def create_item(body: ItemCreate, db: Db, user: CurrentUser) -> dict[str, Item]:
    """Create an item owned by the caller."""
    item = Item(title=body.title, description=body.description, owner_id=user.id)
    db.add(item)
    await db.commit()
    return {"data": item}


@app.get("/api/v1/items/{item_id}", response_model=ItemResponse)
async def get_item(item_id: uuid.UUID, db: Db, user: CurrentUser) -> dict[str, Item]:
    """Read one of the caller's items."""
    item = await db.scalar(select(Item).where(Item.id == item_id, Item.owner_id == user.id))
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"data": item}


@app.get("/api/v1/items", response_model=ItemPage)
async def list_items(
    db: Db,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, object]:
    """List the caller's items, newest first."""
    total = await db.scalar(select(func.count()).select_from(Item).where(Item.owner_id == user.id))
    page = await db.scalars(
        select(Item)
        .where(Item.owner_id == user.id)
        .order_by(Item.created_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return {"data": page.all(), "meta": {"total": total, "limit": limit, "offset": offset}}
