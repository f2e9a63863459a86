"""The generic repository every entity's repository builds on."""

import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, NoReturn

from sqlalchemy import Row, Select, bindparam, event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from src.models import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE
# Set in `Session.info` once the session has sent a write; it stays set until the session ends.
WROTE = "wrote"
# Set in `Session.info` of the sessions that must not write: a safe method's (src/database.py).
READ_ONLY = "read_only"


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


class ReadOnlySessionError(RuntimeError):
    """A safe method's session (GET, HEAD, OPTIONS) was asked to write."""


# A SELECT of any columns: rows of whatever types the statement names.
type AnySelect = Select[*tuple[Any, ...]]


class PageRows(NamedTuple):
    """One page of plain rows, and how many rows the whole query matches."""

    rows: Sequence[Row[*tuple[Any, ...]]]
    total: int


def rows_of(model: type[Base]) -> AnySelect:
    """Select a model's columns as plain rows: nothing to track, map them to a schema."""
    return select(*model.__table__.columns)


@lru_cache(maxsize=256)
def _paged(statement: AnySelect) -> tuple[AnySelect, AnySelect]:
    """Return the statement paged (`limit`, `offset` bound) with its total, and the count alone."""
    count = statement.with_only_columns(func.count(), maintain_column_froms=True)
    count = count.order_by(None).correlate(None)
    # PostgreSQL runs the uncorrelated count once (an InitPlan); every row carries it.
    paged = statement.add_columns(count.scalar_subquery().label("total"))
    return paged.limit(bindparam("limit")).offset(bindparam("offset")), count


def _refuse_writes(session: Session) -> None:
    """Stop a write in a read-only session: without a transaction it would be kept at once."""
    if session.info.get(READ_ONLY):
        msg = "a safe method (GET, HEAD, OPTIONS) must not write; use POST, PATCH or DELETE"
        raise ReadOnlySessionError(msg)


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, _: UOWTransaction, __: object) -> None:
    """Refuse ORM changes in a read-only session."""
    _refuse_writes(session)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _: UOWTransaction) -> None:
    """Remember that the ORM wrote rows in this session."""
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    """Remember any statement that is not a plain SELECT (UPDATE, DELETE, text...)."""
    if not state.is_select:
        state.session.info[WROTE] = True
        if state.is_insert or state.is_update or state.is_delete:
            _refuse_writes(state.session)


class Repository[ModelT: Base]:
    """Query one model through the request's session; flush, never commit."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entity_id: uuid.UUID) -> ModelT | None:
        """Return the row with this primary key, or None."""
        return await self.session.get(self.model, entity_id)

    async def page(
        self, statement: AnySelect, params: Mapping[str, Any], limit: int, offset: int
    ) -> PageRows:
        """Return one page of the statement's rows and how many rows it has, in one round trip."""
        paged, count = _paged(statement)
        page_params = {**params, "limit": limit, "offset": offset}
        rows = (await self.session.execute(paged, page_params)).all()
        if rows:
            return PageRows(rows, rows[0].total)
        # An empty page has no row to carry the total: past the end, count apart.
        return PageRows(rows, await self.session.scalar(count, params) or 0 if offset else 0)

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
