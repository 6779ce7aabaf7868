"""What every table's generator reads: the plan, the text pools, the ids the rows get,
and how the engine wants its values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Table

from crewup.seed.plan import Plan
from crewup.seed.texts import Texts

Row = tuple[Any, ...]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)


class Encoding(Protocol):
    """Plain values as the bulk path of one engine takes them (no SQLAlchemy types run
    on that path, so this does what `UtcDateTime` and `JSON` would)."""

    def time(self, epoch: int) -> Any: ...

    def json(self, value: list[str]) -> Any: ...


class PostgresEncoding:
    """asyncpg's binary COPY: aware datetimes for timestamptz, text for json."""

    def time(self, epoch: int) -> datetime:
        return _EPOCH + timedelta(seconds=epoch)

    def json(self, value: list[str]) -> str:
        return json.dumps(value)


class SqliteEncoding:
    """SQLAlchemy's SQLite DATETIME text (naive UTC, always with microseconds, so text
    comparisons in SQL order it right) and JSON text."""

    def time(self, epoch: int) -> str:
        return f"{_EPOCH_NAIVE + timedelta(seconds=epoch)}.000000"

    def json(self, value: list[str]) -> str:
        return json.dumps(value)


@dataclass(frozen=True)
class Ids:
    """The id of the first generated row of each table; the rest follow in order."""

    user: int
    group: int
    event: int
    post: int


@dataclass(frozen=True)
class World:
    plan: Plan
    texts: Texts
    ids: Ids
    encoding: Encoding
    password_hash: str

    def user_id(self, person: int) -> int:
        return self.ids.user + person

    def group_id(self, g: int) -> int:
        return self.ids.group + g


@dataclass(frozen=True)
class TableRows:
    """One table's rows, streamed: the columns they fill, about how many there will be
    (for the progress bar), and the generator itself. Adding a table to the demo world
    is one more of these in `generators.GENERATORS`, after the tables it refers to."""

    table: Table
    columns: tuple[str, ...]
    expected: Callable[[World], int]
    rows: Callable[[World], Iterator[Row]]
