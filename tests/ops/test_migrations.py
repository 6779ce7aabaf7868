"""Migrations go up and down on both engines, and match the tables the code declares."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from crewup.core.migrate import include_name
from crewup.core.settings import Settings
from crewup.tables import metadata
from tests.support.cli import admin_cli
from tests.support.databases import pg_admin, pg_url


@pytest.fixture
async def empty_database(stack, tmp_path):
    if not stack.is_services:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"crewup_t_{uuid.uuid4().hex[:8]}_empty"
    await pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def table_names(settings: Settings) -> set[str]:
    engine = create_async_engine(settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(empty_database, tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=empty_database)
    up = await admin_cli(settings, "db", "upgrade")
    assert up.exit_code == 0, up.output
    assert {"users", "refresh_tokens", "password_reset_tokens"} <= await table_names(settings)
    down = await admin_cli(settings, "db", "downgrade", "base")
    assert down.exit_code == 0, down.output
    assert await table_names(settings) <= {"alembic_version"}
    behind = await admin_cli(settings, "db", "current")
    assert behind.exit_code == 1
    again = await admin_cli(settings, "db", "upgrade")
    assert again.exit_code == 0
    assert (await admin_cli(settings, "db", "current")).exit_code == 0


async def test_stepping_back_a_few_migrations_keeps_the_search_triggers(
    stack, empty_database, tmp_path
) -> None:
    """SQLite keeps its search index in step with triggers; a migration that rebuilds a
    table to drop a column would drop them with the old table."""
    if stack.is_services:
        pytest.skip("the trigger-kept search index is SQLite's (PostgreSQL generates it)")
    settings = Settings(data_dir=tmp_path, database_url=empty_database)
    assert (await admin_cli(settings, "db", "upgrade")).exit_code == 0
    before = await trigger_names(settings)
    assert {"fts_users_ai", "fts_groups_au", "fts_events_ad"} <= before
    down = await admin_cli(settings, "db", "downgrade", "0016")
    assert down.exit_code == 0, down.output
    assert await trigger_names(settings) == before
    assert (await admin_cli(settings, "db", "upgrade")).exit_code == 0
    assert await trigger_names(settings) == before


async def trigger_names(settings: Settings) -> set[str]:
    engine = create_async_engine(settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            found = await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'fts_%'"
            )
            return {row[0] for row in found}
    finally:
        await engine.dispose()


async def test_migrations_match_the_declared_tables(settings) -> None:
    engine = create_async_engine(settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"include_name": include_name}),
                    metadata,
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_server_refuses_to_start_on_an_old_schema(
    empty_database, tmp_path, aiohttp_client
) -> None:
    from crewup.app import StartupError, create_app

    settings = Settings(data_dir=tmp_path, database_url=empty_database)
    with pytest.raises(StartupError, match="crewup-admin db upgrade"):
        await aiohttp_client(create_app(settings))


def test_the_start_up_check_finds_the_head_alembic_finds() -> None:
    """The server reads the head from the migration files without Alembic; Alembic
    (which `db upgrade` uses) must agree."""
    from alembic.script import ScriptDirectory

    from crewup.core.migrate import alembic_config, head_revision

    expected = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head_revision() == expected


async def test_server_refuses_to_start_a_few_migrations_behind(
    empty_database, tmp_path, aiohttp_client
) -> None:
    from crewup.app import StartupError, create_app

    settings = Settings(data_dir=tmp_path, database_url=empty_database)
    assert (await admin_cli(settings, "db", "upgrade", "0016")).exit_code == 0
    with pytest.raises(StartupError, match="at revision 0016, code expects"):
        await aiohttp_client(create_app(settings))
    assert (await admin_cli(settings, "db", "upgrade")).exit_code == 0
    client = await aiohttp_client(create_app(settings))
    assert (await client.get("/healthz")).status == 200
