"""Alembic, driven from code: the CLI, `make run` and the tests share these functions."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

# Search structures Alembic cannot compare; migration 0008 creates them by hand: the
# PostgreSQL generated `search_vector` columns with their GIN indexes, and the SQLite
# FTS5 tables (`fts_*`, with FTS5's own `fts_*_data`, `fts_*_idx`, ... beside them).
HAND_MANAGED_INDEXES = frozenset(
    {f"ix_{table}_search" for table in ("groups", "events", "posts", "comments", "users")}
    | {"ix_events_place_point", "ix_groups_place_point"}  # PostgreSQL only (0011)
    | {"ix_events_place_scheduled"}  # PostgreSQL only (0020)
    # Search's bounded candidate sets (0024); lower() is an expression autogenerate skips.
    | {f"ix_{table}_created_at" for table in ("groups", "events", "posts", "comments", "users")}
    | {f"ix_{table}_lower_title" for table in ("groups", "events", "posts", "users")}
)
HAND_MANAGED_COLUMNS = frozenset({"search_vector"})
HAND_MANAGED_TABLE_PREFIX = "fts_"
# SQLite R*Trees of migration 0020 (`events_rtree`, with `events_rtree_node`, ...).
HAND_MANAGED_TABLE_MARK = "_rtree"


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate filter: leave the hand-managed search and nearest-first structures
    (GiST indexes, R*Trees) alone."""
    if type_ == "index":
        return name not in HAND_MANAGED_INDEXES
    if type_ == "column":
        return name not in HAND_MANAGED_COLUMNS
    if type_ == "table":
        name = name or ""
        return not (name.startswith(HAND_MANAGED_TABLE_PREFIX) or HAND_MANAGED_TABLE_MARK in name)
    return True


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    # Kept out of the ini-style interpolation: URLs may hold '%'.
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; call from a thread inside a running loop."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def current_revision(database_url: str) -> str | None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(revision_of)
    finally:
        await engine.dispose()


async def schema_mismatch(conn: AsyncConnection) -> str | None:
    """Why this database cannot be served by this code, or None when it can."""
    current = await conn.run_sync(revision_of)
    head = head_revision()
    if current == head:
        return None
    return f"database is at revision {current}, code expects {head}: run `crewup-admin db upgrade`"


def current_revision_blocking(database_url: str) -> str | None:
    return asyncio.run(current_revision(database_url))


def revision_of(sync_conn: Connection) -> str | None:
    return MigrationContext.configure(sync_conn).get_current_revision()
