"""Alembic, driven from code: the CLI, `make run` and the tests share these functions."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

# Expression indexes Alembic cannot compare; their migrations create them by hand.
HAND_MANAGED_INDEXES = frozenset({"ix_groups_text", "ix_events_text"})


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate filter: leave the hand-managed indexes alone."""
    return not (type_ == "index" and name in HAND_MANAGED_INDEXES)


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


def current_revision_blocking(database_url: str) -> str | None:
    return asyncio.run(current_revision(database_url))


def revision_of(sync_conn: Connection) -> str | None:
    return MigrationContext.configure(sync_conn).get_current_revision()
