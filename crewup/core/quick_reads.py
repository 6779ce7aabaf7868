"""The hottest reads without SQLAlchemy's per-call machinery, on PostgreSQL.

A hot read (the caller's account, an event, a group, a page of posts) is one or two
statements of ~30 µs each in asyncpg; through an `AsyncConnection` each costs ~300 µs of
the server's CPU (the pool's checkout and reset, the execution context, result rows) and
so did most of the request. Such a statement is written once as a SQLAlchemy `Select`
(`Prepared`), and runs either way:

- on a SQLAlchemy connection (SQLite, or any transaction), as before;
- on a `QuickConnection` (PostgreSQL only, `Database.quick()`): compiled once to its SQL
  and run as an asyncpg prepared statement on a connection of a small pool of its own.

Rows are tuples with the columns as attributes either way, converted the way SQLAlchemy
converts them (JSON decoded; `UtcDateTime` comes back aware and in UTC from asyncpg
already). Only column types listed here are accepted, checked when a statement is first
compiled, so a new type cannot slip through unconverted.
"""

from __future__ import annotations

import asyncio
from collections import deque, namedtuple
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, Float, Integer, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import CompoundSelect, Select
from sqlalchemy.types import NullType, TypeDecorator, TypeEngine

if TYPE_CHECKING:  # asyncpg is imported where PostgreSQL is used, not by SQLite installs
    import asyncpg

Statement = Select[Any] | CompoundSelect[Any]

# Returned by asyncpg exactly as SQLAlchemy returns them (Float: double precision, a float
# either way; Numeric: a Decimal either way when it asks for one).
_AS_IS: tuple[type[TypeEngine[Any]], ...] = (Integer, String, Boolean, Float, Date)
# A TypeDecorator whose result processing asyncpg's own values already satisfy says so
# with this class attribute set true (crewup/core/db.py: UtcDateTime, aware UTC either
# way); any other is refused.
AS_IS_FROM_ASYNCPG = "returned_as_is_by_asyncpg"


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _converter(type_: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    if isinstance(type_, TypeDecorator):
        if getattr(type(type_), AS_IS_FROM_ASYNCPG, False):
            return None
        raise TypeError(f"quick reads do not convert {type_!r} columns yet")
    if isinstance(type_, NullType):
        return None
    if isinstance(type_, Enum):  # a String to asyncpg, an enum member to SQLAlchemy
        raise TypeError(f"quick reads do not convert {type_!r} columns yet")
    if isinstance(type_, _AS_IS) or (isinstance(type_, Numeric) and type_.asdecimal):
        return None
    if isinstance(type_, JSON):
        return _json
    if isinstance(type_, DateTime) and type_.timezone:
        return None
    raise TypeError(f"quick reads do not convert {type_!r} columns yet")


class _Compiled:
    """A statement's PostgreSQL text, how to order its parameters, and its row type."""

    def __init__(self, statement: Statement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.compiled = compiled
        self.positions: tuple[str, ...] = tuple(compiled.positiontup or ())
        for name in self.positions:
            bind = compiled.binds[name]
            if bind.expanding or isinstance(bind.type, JSON):
                raise TypeError(f"quick reads do not bind {name!r} ({bind.type!r})")
        self.bind_processors: dict[str, Callable[[Any], Any]] = {
            name: processor
            for name, processor in compiled._bind_processors.items()
            if name in self.positions and callable(processor)
        }
        columns = [(column.key, column.type) for column in statement.selected_columns]
        self.row_type: Any = namedtuple("Row", [key for key, _ in columns], rename=True)  # type: ignore[misc]
        self.converters = [
            (index, converter)
            for index, (_, type_) in enumerate(columns)
            if (converter := _converter(type_)) is not None
        ]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(dict(params))
        arguments = []
        for name in self.positions:
            value = values[name]
            processor = self.bind_processors.get(name)
            arguments.append(processor(value) if processor is not None else value)
        return arguments

    def row(self, record: asyncpg.Record) -> Any:
        if not self.converters:
            return self.row_type._make(record)
        values = list(record)
        for index, converter in self.converters:
            values[index] = converter(values[index])
        return self.row_type._make(values)


class DatabaseConnectionLost(ConnectionError):
    """A quick read's connection ended under it, or the pool is closing (a 503)."""


class QuickConnection:
    """A pooled asyncpg connection lent for one request's reads (autocommit: every
    statement sees what was committed before it)."""

    def __init__(self, raw: asyncpg.Connection, dialect: Dialect) -> None:
        self.raw = raw
        self.dialect = dialect


Reads = AsyncConnection | QuickConnection


class Prepared:
    """A SELECT built once, run on whichever connection the caller holds."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    def _for(self, conn: QuickConnection) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self.statement, conn.dialect)
        return self._compiled

    async def all(self, conn: Reads, params: Mapping[str, Any] | None = None) -> list[Any]:
        if isinstance(conn, AsyncConnection):
            return list(await conn.execute(self.statement, dict(params or {})))
        compiled = self._for(conn)
        records = await conn.raw.fetch(compiled.sql, *compiled.arguments(params or {}))
        return [compiled.row(record) for record in records]

    async def first(self, conn: Reads, params: Mapping[str, Any] | None = None) -> Any | None:
        if isinstance(conn, AsyncConnection):
            return (await conn.execute(self.statement, dict(params or {}))).first()
        compiled = self._for(conn)
        record = await conn.raw.fetchrow(compiled.sql, *compiled.arguments(params or {}))
        return None if record is None else compiled.row(record)


def _dead_connection_errors() -> tuple[type[BaseException], ...]:
    """A connection that failed this way is not lent again. One that died while idle
    (PostgreSQL restarted) is noticed before it is lent: asyncpg reads the server's
    goodbye."""
    import asyncpg

    return (
        asyncpg.ConnectionDoesNotExistError,
        asyncpg.AdminShutdownError,
        asyncpg.PostgresConnectionError,
        ConnectionError,
        TimeoutError,
        asyncio.CancelledError,  # mid-statement: the connection's state is unknown
    )


class QuickPool:
    """A few asyncpg connections, lent last-in first-out, opened on demand up to `size`.

    Not asyncpg's own pool: its acquire and release (a reset round trip) cost twice the
    statement. Nothing here changes session state (only autocommit SELECTs run), so a
    connection goes back as it came."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        dialect: Dialect,
        size: int,
        wait_seconds: float = 30.0,
    ) -> None:
        self._connect = connect
        self._dialect = dialect
        self._size = size
        self._wait_seconds = wait_seconds
        self._idle: list[asyncpg.Connection] = []
        self._open = 0
        # Each waiter gets a connection, or None: a slot was freed, open one yourself.
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closed = False
        self._dead_connection = _dead_connection_errors()
        import asyncpg

        self._interface_error = asyncpg.InterfaceError

    def _idle_connection(self) -> asyncpg.Connection | None:
        """The most recently returned live idle connection (dropping closed ones)."""
        while self._idle and not self._closed:
            raw = self._idle.pop()
            if not raw.is_closed():
                return raw
            self._open -= 1
        return None

    async def _take(self) -> asyncpg.Connection:
        # The common case first, without a timeout (arming and cancelling one cost a
        # tenth of a quick read): an idle connection, lent at once.
        idle = self._idle_connection()
        if idle is not None:
            return idle
        async with asyncio.timeout(self._wait_seconds):
            while True:
                if self._closed:
                    raise DatabaseConnectionLost("the database connections are closing")
                idle = self._idle_connection()
                if idle is not None:
                    return idle
                if self._open < self._size:
                    self._open += 1
                    try:
                        return await self._connect()
                    except BaseException:
                        self._open -= 1
                        self._hand_over(None)
                        raise
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                try:
                    raw = await waiter
                except BaseException:
                    if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                        # Handed something while being cancelled: pass it on, a
                        # connection or the news of a free slot alike.
                        handed = waiter.result()
                        if handed is not None:
                            self._give_back(handed, broken=False)
                        else:
                            self._hand_over(None)
                    raise
                finally:
                    if waiter in self._waiters:
                        self._waiters.remove(waiter)
                if raw is not None:
                    return raw

    def _hand_over(self, raw: asyncpg.Connection | None) -> bool:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(raw)
                return True
        return False

    def _give_back(self, raw: asyncpg.Connection, broken: bool) -> None:
        if broken or self._closed or raw.is_closed():
            self._open -= 1
            raw.terminate()
            self._hand_over(None)
            return
        if not self._hand_over(raw):
            self._idle.append(raw)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[QuickConnection]:
        raw = await self._take()
        broken = False
        try:
            yield QuickConnection(raw, self._dialect)
        except BaseException as exc:
            broken = isinstance(exc, self._dead_connection) or raw.is_closed()
            if raw.is_closed() and isinstance(exc, self._interface_error):
                # Closed by the server between two statements ("connection is closed"):
                # an outage (503) like any other lost connection, not a bug.
                raise DatabaseConnectionLost("the database closed the connection") from exc
            raise
        finally:
            self._give_back(raw, broken)

    async def close(self) -> None:
        """No more lending; idle connections closed (those lent close on their return)."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(DatabaseConnectionLost("the database connections closed"))
        idle, self._idle = self._idle, []
        for raw in idle:
            self._open -= 1
            try:
                await asyncio.wait_for(raw.close(), 2)
            except Exception:  # a silent network: drop it without the goodbye
                raw.terminate()
