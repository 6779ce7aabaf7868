"""Stored counters and their repair: each domain declares which column counts which rows
(`Counter`), and `recount` recomputes them, mends the ones that disagree and reports each
change. Operators run it as `crewup-admin fix counters`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class Counter:
    """`table.column` counts the rows of `child` whose `child_key` points at it (and that
    match `where`)."""

    table: Table
    column: str
    child: Table
    child_key: str
    where: ColumnElement[bool] | None = None


@dataclass(frozen=True)
class CounterFix:
    table: str
    row_id: int
    column: str
    was: int
    now: int


async def _recount(conn: AsyncConnection, counter: Counter) -> list[CounterFix]:
    key = counter.child.c[counter.child_key]
    tally_query = select(key.label("owner"), func.count().label("n")).group_by(key)
    if counter.where is not None:
        tally_query = tally_query.where(counter.where)
    tally = tally_query.subquery()
    stored = counter.table.c[counter.column]
    actual = func.coalesce(tally.c.n, 0)
    wrong = (
        await conn.execute(
            select(counter.table.c.id, stored, actual)
            .outerjoin(tally, tally.c.owner == counter.table.c.id)
            .where(stored != actual)
            .order_by(counter.table.c.id)
        )
    ).all()
    fixes = []
    for row_id, was, now in wrong:
        values: dict[str, Any] = {counter.column: now}
        await conn.execute(update(counter.table).where(counter.table.c.id == row_id).values(values))
        fixes.append(CounterFix(counter.table.name, row_id, counter.column, was, now))
    return fixes


async def recount(conn: AsyncConnection, counters: Sequence[Counter]) -> list[CounterFix]:
    """One grouped query per counter, then an UPDATE only where it was wrong."""
    fixes: list[CounterFix] = []
    for counter in counters:
        fixes += await _recount(conn, counter)
    return fixes
