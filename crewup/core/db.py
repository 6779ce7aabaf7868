"""Engine, the shared MetaData, transactions, and the few places the dialects differ."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from crewup.core.dispatch import Dispatcher, UnitOfWork
from crewup.core.geo import DISTANCE_FUNCTION, RTREES_KEY, distance_km
from crewup.core.quick_reads import QuickPool, Reads

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out; SQLite stores it naive, so we re-attach UTC on read."""

    impl = DateTime(timezone=True)
    cache_ok = True
    # asyncpg gives timestamptz values aware and in UTC already (core/quick_reads.py).
    returned_as_is_by_asyncpg: ClassVar[bool] = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Address space, not memory: only the pages read are brought in, shared with the OS cache.
SQLITE_MMAP_BYTES = 1 << 30


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        # Let us issue BEGIN ourselves, so write transactions can take the lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reads through a memory map of the file (the OS page cache, shared by every
        # connection) instead of a pread() per page missing from the connection's own 2 MB
        # cache: a one-word search at 100k posts made ~300 of them.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        # Migration 0020 makes R*Trees only where SQLite has the module; queries use them
        # only where they exist (`geo.rtree_of`).
        cursor.execute("SELECT name FROM sqlite_master WHERE name GLOB '*_rtree'")
        record.info[RTREES_KEY] = frozenset(row[0] for row in cursor.fetchall())
        cursor.close()
        dbapi_conn.create_function(DISTANCE_FUNCTION, 4, distance_km, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writes: IMMEDIATE takes the write lock at BEGIN, so no lock upgrade can deadlock.
        # Reads: no BEGIN at all; each statement reads a consistent WAL snapshot.
        if conn.get_execution_options().get("crewup_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _replace_closed_on_checkout(engine: AsyncEngine) -> None:
    """After PostgreSQL restarts (or ends a backend), every pooled connection is dead,
    and each could fail a request before the pool noticed. The server says goodbye on
    the socket, and asyncpg, which keeps listening on idle connections, marks them
    closed; a checkout that finds one closed gets a fresh connection instead.

    This replaces SQLAlchemy's `pool_pre_ping`, which on asyncpg is three round trips
    per checkout (BEGIN, an empty statement, ROLLBACK): more than the statement of a hot
    read. A connection lost silently (no FIN, a dead host) fails its first statement
    instead; SQLAlchemy then drops every connection pooled before it, and the request
    gets the outage answer (503)."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if dbapi_conn.driver_connection.is_closed():
            raise DisconnectionError("the server closed this pooled connection")


def _quick_pool_for(engine: AsyncEngine, size: int) -> QuickPool:
    """asyncpg connections made with the engine's own connection arguments."""
    import asyncpg

    args, kwargs = engine.dialect.create_connect_args(engine.url)
    # Options of SQLAlchemy's asyncpg adapter, not of asyncpg.connect (PgBouncer set-ups
    # pass prepared_statement_cache_size=0 in the URL).
    cache_size = kwargs.pop("prepared_statement_cache_size", None)
    if cache_size is not None:
        kwargs["statement_cache_size"] = int(cache_size)
    kwargs.pop("prepared_statement_name_func", None)

    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(*args, **kwargs)

    return QuickPool(connect, engine.dialect, size)


class Database:
    """The engine plus what it takes to use it safely on either dialect."""

    def __init__(
        self, url: str, dispatcher: Dispatcher, *, pool_size: int = 20, echo: bool = False
    ) -> None:
        self.url = url
        self.dispatcher = dispatcher
        self.is_sqlite = url.startswith("sqlite")
        self._quick_pool: QuickPool | None = None
        if self.is_sqlite:
            self.engine = create_async_engine(
                url, echo=echo, poolclass=NullPool if ":memory:" in url else None
            )
            _tune_sqlite(self.engine)
        else:
            # No overflow: connections opened for a burst and closed after it cost more
            # than waiting a moment for a pooled one.
            self.engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=0)
            _replace_closed_on_checkout(self.engine)
            self._quick_pool = _quick_pool_for(self.engine, max(2, pool_size // 2))
        # SQLite has one writer; queue writers here instead of spinning in busy_timeout.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # Bumped after every committed transaction: answers cached before it are stale.
        self.write_generation = 0
        # Called (sync, must not block) after each commit: tells other processes (see
        # crewup.realtime.freshness) that their cached answers are stale too.
        self.on_commit: list[Callable[[], None]] = []

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A read-write unit of work, committed on success and rolled back on error.

        Domain events announced on the connection reach their subscribers inside it; the
        after-commit callbacks run once it has committed."""
        unit = UnitOfWork(self.dispatcher)
        async with self._begin() as conn:
            unit.bind(conn)
            try:
                yield conn
            finally:
                unit.unbind()
        self.committed()
        await unit.after_commit()

    def committed(self) -> None:
        self.write_generation += 1
        for listener in self.on_commit:
            listener()

    def written_elsewhere(self) -> None:
        """Another process committed: answers cached here may be stale."""
        self.write_generation += 1

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
        else:
            async with self._write_lock, self.engine.connect() as conn:
                conn = await conn.execution_options(crewup_write=True)
                async with conn.begin():
                    yield conn

    @asynccontextmanager
    async def statement_at_a_time(self) -> AsyncIterator[AsyncConnection]:
        """PostgreSQL only: every statement commits on its own, for writes that are one
        statement each and need no transaction around them."""
        if self.is_sqlite:
            raise RuntimeError("SQLite writes go through transaction(), behind its writer queue")
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield conn
            finally:
                self.committed()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """Read-only work without a transaction round trip: autocommit on PostgreSQL, no
        BEGIN on SQLite (and never the write lock). Each statement sees committed data;
        use `transaction()` where several reads must agree with each other."""
        async with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @asynccontextmanager
    async def quick(self) -> AsyncIterator[Reads]:
        """Like `reading()`, for the hot reads written as `Prepared` statements
        (crewup/core/quick_reads.py): on PostgreSQL a bare asyncpg connection, a tenth of
        the cost per statement; on SQLite the same connection `reading()` gives."""
        if self._quick_pool is None:
            async with self.reading() as conn:
                yield conn
        else:
            async with self._quick_pool.connection() as quick:
                yield quick

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if self._quick_pool is not None:
            await self._quick_pool.close()
        await self.engine.dispose()


async def upsert(
    conn: AsyncConnection, table: Table, values: dict[str, Any], keys: list[str]
) -> None:
    """INSERT, or UPDATE the row with the same `keys` (one statement on both engines, so
    two of them at once cannot collide on the key)."""
    builder = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = builder(table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    await conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))


async def insert_new(
    conn: AsyncConnection,
    table: Table,
    rows: list[dict[str, Any]],
    keys: list[str],
    returning: str,
) -> set[Any]:
    """INSERT the rows whose `keys` are not taken yet; answer `returning` of those
    inserted. One statement on both engines: concurrent callers cannot both insert."""
    if not rows:
        return set()
    builder = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = (builder(table).values(rows).on_conflict_do_nothing(index_elements=keys)).returning(
        table.c[returning]
    )
    return {row[0] for row in await conn.execute(statement)}
