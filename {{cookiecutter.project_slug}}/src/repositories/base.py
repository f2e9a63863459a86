"""The generic repository every entity's repository builds on."""

import uuid
from typing import NoReturn

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from src.models import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE
# Set in `Session.info` once the session has sent a write; it stays set until the session ends.
WROTE = "wrote"


class DuplicateError(Exception):
    """A unique constraint refused the change."""


def raise_duplicate_or_reraise(exc: IntegrityError) -> NoReturn:
    """Turn a unique violation into DuplicateError; raise any other integrity error as it is."""
    if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
        raise exc
    # SQLAlchemy's DBAPI error does not name the constraint; asyncpg's, its cause, does.
    driver_error = getattr(exc.orig, "__cause__", None)
    raise DuplicateError(getattr(driver_error, "constraint_name", None)) from exc


class UnsafeReleaseError(RuntimeError):
    """Releasing the connection would end a transaction that holds this request's writes."""


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _: UOWTransaction) -> None:
    """Remember that the ORM wrote rows in this session."""
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    """Remember any statement that is not a plain SELECT (UPDATE, DELETE, text...)."""
    if not state.is_select:
        state.session.info[WROTE] = True


class Repository[ModelT: Base]:
    """Query one model through the request's session; flush, never commit."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entity_id: uuid.UUID) -> ModelT | None:
        """Return the row with this primary key, or None."""
        return await self.session.get(self.model, entity_id)

    async def add(self, entity: ModelT) -> ModelT:
        """Insert the entity and load its server-side defaults."""
        self.session.add(entity)
        await self.flush()
        return entity

    async def delete(self, entity: ModelT) -> None:
        """Delete the entity."""
        await self.session.delete(entity)
        await self.flush()

    async def flush(self) -> None:
        """Send pending changes, turning unique violations into DuplicateError."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise_duplicate_or_reraise(exc)

    async def release_connection(self) -> None:
        """Give the connection back to the pool before slow work; the next query takes one again.

        Only a read-only transaction may end early (rolled back: it holds nothing to keep), so
        this refuses once the request has written anything. Rows loaded so far are expired.
        """
        session = self.session
        if session.info.get(WROTE) or session.new or session.dirty or session.deleted:
            msg = "the request already wrote; its connection must stay until the commit"
            raise UnsafeReleaseError(msg)
        await session.rollback()
