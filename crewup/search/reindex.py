"""Rebuild the search indexes from the rows (`crewup-admin search reindex`).

PostgreSQL computes `search_vector` on every write (generated columns), so only the GIN
indexes are rebuilt (they bloat under churn). SQLite's FTS5 tables are refilled from the
rows, which also repairs a table a manual edit bypassed the triggers for. Nothing else is
precomputed: recommendations are ranked at request time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# The FTS5 columns and what fills them, as migration 0008 declared them.
_SQLITE_FILL = {
    "groups": ("name, category, description", "name, category, description"),
    "events": ("title, place, description", "title, location_name, description"),
    "posts": ("title, body", "title, body"),
    "comments": ("body", "body"),
    "users": (
        "display_name, interests",
        "display_name, (SELECT coalesce(group_concat(value, ' '), '') "
        "FROM json_each(users.interests))",
    ),
}


@dataclass(frozen=True)
class Reindexed:
    table: str
    rows: int


async def reindex(conn: AsyncConnection) -> list[Reindexed]:
    done = []
    for table, (columns, values) in _SQLITE_FILL.items():
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"REINDEX INDEX ix_{table}_search"))
        else:
            await conn.execute(text(f"DELETE FROM fts_{table}"))
            await conn.execute(
                text(f"INSERT INTO fts_{table} (rowid, {columns}) SELECT id, {values} FROM {table}")
            )
            await conn.execute(text(f"INSERT INTO fts_{table} (fts_{table}) VALUES ('optimize')"))
        count = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        done.append(Reindexed(table, count))
    return done
