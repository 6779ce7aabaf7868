"""Alembic, driven from code: the CLI, `make run` and the tests share these functions.

A serving process only checks the schema's revision at start-up; it does that without
importing Alembic (about 11 MB of RSS that every web process would keep): the current
revision is read from `alembic_version`, the head from the `revision`/`down_revision`
lines of the migration files. Alembic itself is imported only to migrate.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

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
    # Their SQLite counterpart (0028): declared nowhere, a COLLATE NOCASE column index.
    | {f"ix_{table}_title_nocase" for table in ("groups", "events", "posts", "users")}
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
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    # Kept out of the ini-style interpolation: URLs may hold '%'.
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; call from a thread inside a running loop."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """The one revision no migration builds on (what Alembic's `get_current_head` gives
    for a linear history), read from the files without importing them."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text()))
        if "revision" not in found:
            continue
        revisions.update(_QUOTED.findall(found["revision"]))
        built_on.update(_QUOTED.findall(found.get("down_revision", "")))
    heads = revisions - built_on
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return heads.pop() if heads else None


# `revision: str = "0002"` and `down_revision: str | None = "0001"` (or a tuple of
# revisions for a merge, or None) as script.py.mako writes them. A regular expression, not
# `ast.parse`: CPython 3.11's AST conversion is not safe beside another thread's.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


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
    """The database's revision as Alembic records it (None on an empty database)."""
    if not inspect(sync_conn).has_table("alembic_version"):
        return None
    rows = sync_conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the database is at several revisions: {sorted(rows)}")
    return rows[0] if rows else None
