"""Rows in bulk, on the connection of one open transaction: PostgreSQL's COPY through
asyncpg (binary, streamed while the rows are generated), SQLite's executemany in large
batches. Indexes, constraints and foreign keys stay in force; the rows are simply many.

The bulk path runs under SQLAlchemy, on its driver connection, so no SQLAlchemy type
processing happens: `world.Encoding` makes the values each driver expects."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.seed.world import Encoding, PostgresEncoding, Row, SqliteEncoding, TableRows, World

SQLITE_BATCH = 20_000
PROGRESS_EVERY = 5_000


class Progress(Protocol):
    """Where a seeding run reports what it writes (a progress bar, or nothing)."""

    def start(self, table: str, expected: int) -> None: ...

    def advance(self, table: str, rows: int) -> None: ...

    def finish(self, table: str, rows: int) -> None: ...


class NoProgress:
    def start(self, table: str, expected: int) -> None:
        pass

    def advance(self, table: str, rows: int) -> None:
        pass

    def finish(self, table: str, rows: int) -> None:
        pass


@dataclass(frozen=True)
class Written:
    table: str
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def encoding_for(conn: AsyncConnection) -> Encoding:
    return PostgresEncoding() if conn.dialect.name == "postgresql" else SqliteEncoding()


class _Counted:
    """Passes rows through, telling the progress every few thousand."""

    def __init__(self, rows: Iterable[Row], table: str, progress: Progress) -> None:
        self._rows, self._table, self._progress = rows, table, progress
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        pending = 0
        for row in self._rows:
            yield row
            pending += 1
            if pending == PROGRESS_EVERY:
                self.count += pending
                self._progress.advance(self._table, pending)
                pending = 0
        self.count += pending
        self._progress.advance(self._table, pending)


async def _driver(conn: AsyncConnection) -> Any:
    return (await conn.get_raw_connection()).driver_connection


async def _copy(
    conn: AsyncConnection, table: Table, columns: tuple[str, ...], rows: _Counted
) -> None:
    driver = await _driver(conn)
    # The SQLAlchemy transaction is open on this very connection (the caller has run a
    # statement in it), so the COPY commits or rolls back with everything else.
    await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))


async def _insert_batches(
    conn: AsyncConnection, table: Table, columns: tuple[str, ...], rows: _Counted
) -> None:
    driver = await _driver(conn)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    source = iter(rows)
    while batch := list(islice(source, SQLITE_BATCH)):
        await driver.executemany(sql, batch)


async def write_table(
    conn: AsyncConnection, generator: TableRows, world: World, progress: Progress
) -> Written:
    name = generator.table.name
    progress.start(name, generator.expected(world))
    started = time.perf_counter()
    rows = _Counted(generator.rows(world), name, progress)
    if conn.dialect.name == "postgresql":
        await _copy(conn, generator.table, generator.columns, rows)
    else:
        await _insert_batches(conn, generator.table, generator.columns, rows)
    progress.finish(name, rows.count)
    return Written(name, rows.count, time.perf_counter() - started)


async def reserve_ids(conn: AsyncConnection, table: Table, count: int) -> int:
    """The first of `count` ids of `table` nobody else will take. On PostgreSQL the
    sequence is moved past them under a short table lock (so concurrent inserts by a
    running server get ids after ours), and the caller commits at once; on SQLite the
    caller's write transaction already keeps every other writer out."""
    highest = select(func.coalesce(func.max(table.c.id), 0))
    if conn.dialect.name != "postgresql":
        return int((await conn.execute(highest)).scalar_one()) + 1
    await conn.execute(text(f'LOCK TABLE "{table.name}" IN EXCLUSIVE MODE'))
    highest_now = (await conn.execute(highest)).scalar_one()
    sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
    issued = (await conn.execute(text(f"SELECT nextval({sequence})"))).scalar_one()
    # `issued` is ours (nobody else will be handed it); rows above it may exist if ids
    # were ever given explicitly.
    first = max(int(highest_now) + 1, int(issued))
    if count > 0:
        await conn.execute(text(f"SELECT setval({sequence}, {first + count - 1})"))
    return first
