"""Which messages a handler has processed: the idempotency record, read and written for
a whole batch by statements of fixed shape (the batch's ids are one bound parameter), so
neither SQLAlchemy nor PostgreSQL sees a new statement for every batch size."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, bindparam, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.tables import processed_messages
from crewup.core import bound_rows, clock
from crewup.core.db import UtcDateTime


@functools.cache
def _record(dialect: str) -> Any:
    ids = bound_rows.json_values(dialect, "ids", BigInteger())
    rows = select(
        bindparam("handler", type_=processed_messages.c.handler.type),
        ids,
        bindparam("now", type_=UtcDateTime()),
    ).where(true())  # SQLite reads ON CONFLICT after a bare FROM as a join's ON
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        builder(processed_messages)
        .from_select(["handler", "message_id", "processed_at"], rows)
        .on_conflict_do_nothing(index_elements=["handler", "message_id"])
        .returning(processed_messages.c.message_id)
    )


@functools.cache
def _done(dialect: str) -> Any:
    ids = select(bound_rows.json_values(dialect, "ids", BigInteger())).scalar_subquery()
    return select(processed_messages.c.message_id).where(
        processed_messages.c.handler == bindparam("handler"),
        processed_messages.c.message_id.in_(ids),
    )


async def record_new(conn: AsyncConnection, handler: str, ids: Sequence[int]) -> set[int]:
    """Record `ids` as processed by `handler`; answers those not recorded before (only
    these are to be handled: the others are redeliveries)."""
    if not ids:
        return set()
    params = {"handler": handler, "ids": bound_rows.encode(ids), "now": clock.now()}
    return set((await conn.execute(_record(conn.dialect.name), params)).scalars())


async def already(conn: AsyncConnection, handler: str, ids: Sequence[int]) -> set[int]:
    """Which of `ids` `handler` has processed already."""
    if not ids:
        return set()
    params = {"handler": handler, "ids": bound_rows.encode(ids)}
    return set((await conn.execute(_done(conn.dialect.name), params)).scalars())
