"""Migration 0013 (invite links) goes down to 0012 and up again on both engines, leaving
the tables before it alone. (tests/ops/test_migrations.py checks that the head matches
the declared tables.)"""

from __future__ import annotations

from crewup.core.settings import Settings
from tests.ops.test_migrations import empty_database, table_names
from tests.support.cli import admin_cli

__all__ = ["empty_database"]  # the fixture, shared with the general migration tests


async def test_invite_links_migration_down_and_up(empty_database, tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=empty_database)
    assert (await admin_cli(settings, "db", "upgrade")).exit_code == 0
    assert "group_invite_links" in await table_names(settings)
    down = await admin_cli(settings, "db", "downgrade", "0012")
    assert down.exit_code == 0, down.output
    names = await table_names(settings)
    assert "group_invite_links" not in names and "group_invites" in names
    up = await admin_cli(settings, "db", "upgrade")
    assert up.exit_code == 0, up.output
    assert "group_invite_links" in await table_names(settings)
