"""A picture column emptied by a moderator, whoever manages the row (groups' and events'
covers share this; the caller holds the row's lock)."""

from __future__ import annotations

from sqlalchemy import Column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import NotFound


async def clear_picture(
    conn: AsyncConnection, column: Column[str], row_id: int, what: str
) -> str | None:
    """Empty `column` of the row `row_id` (NotFound, as `what`, when there is none); the
    key it held, or None when it had no picture."""
    table = column.table
    found = (await conn.execute(select(column).where(table.c.id == row_id))).first()
    if found is None:
        raise NotFound(f"{what} {row_id} not found")
    await conn.execute(
        update(table)
        .where(table.c.id == row_id)
        .values({column.key: None, "updated_at": clock.now()})
    )
    key: str | None = found[0]
    return key
