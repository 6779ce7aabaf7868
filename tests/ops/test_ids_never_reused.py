"""An id, once given, names that row for good: deleting the newest post must not hand its
id to the next one. On SQLite (no AUTOINCREMENT before migration 0030) it did, and a
report of a deleted comment then banned the next commenter (a black-box trial)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.api import Api, make_event, make_group
from tests.support.cli import admin_cli


async def test_a_deleted_rows_id_is_never_given_again(client: TestClient, api: Api) -> None:
    owner = await api.register()
    h = owner["headers"]
    group = await make_group(client, owner)
    ids: dict[str, list[int]] = {}
    for kind in ("post", "comment", "event", "group"):
        for _ in range(2):  # the newest row, deleted, then the next one made
            if kind == "post":
                made = await client.post(
                    f"/api/v1/groups/{group['id']}/posts",
                    json={"title": "t", "body": "b"},
                    headers=h,
                )
                row: dict[str, Any] = await made.json()
                gone = await client.delete(f"/api/v1/posts/{row['id']}", headers=h)
            elif kind == "comment":
                post = await (
                    await client.post(
                        f"/api/v1/groups/{group['id']}/posts",
                        json={"title": "keeps", "body": "b"},
                        headers=h,
                    )
                ).json()
                made = await client.post(
                    f"/api/v1/posts/{post['id']}/comments", json={"body": "c"}, headers=h
                )
                row = await made.json()
                gone = await client.delete(f"/api/v1/comments/{row['id']}", headers=h)
            elif kind == "event":
                row = await make_event(client, owner, group["id"])
                gone = await client.delete(f"/api/v1/events/{row['id']}", headers=h)
            else:
                row = await make_group(client, owner, name="Short lived")
                gone = await client.delete(f"/api/v1/groups/{row['id']}", headers=h)
            assert gone.status == 204, (kind, await gone.text())
            ids.setdefault(kind, []).append(row["id"])
    for kind, (first, second) in ids.items():
        assert second > first, (kind, first, second)


async def test_migration_0030_keeps_every_row_index_and_trigger(stack, tmp_path) -> None:
    if stack.is_services:
        pytest.skip("PostgreSQL's sequences never reused an id")
    path = tmp_path / "old.sqlite3"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}")
    assert (await admin_cli(settings, "db", "upgrade", "0029")).exit_code == 0
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, email, password_hash, display_name, bio, interests, role,"
            " created_at, updated_at) VALUES (1, 'a@example.com', 'x', 'Ann', '', '[]', 'user',"
            " '2026-01-01', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO groups (id, name, description, category, visibility, member_count,"
            " owner_id, created_at, updated_at) VALUES (7, 'Granite Crew', 'climbing',"
            " 'outdoors', 'public', 1, 1, '2026-01-01', '2026-01-01')"
        )
        for post_id in (3, 4):
            db.execute(
                "INSERT INTO posts (id, group_id, author_id, title, body, comment_count,"
                f" created_at, updated_at) VALUES ({post_id}, 7, 1, 'Quartzite {post_id}', 'b',"
                " 0, '2026-01-01', '2026-01-01')"
            )
        schema_before = _dependents(db)
    up = await admin_cli(settings, "db", "upgrade")
    assert up.exit_code == 0, up.output
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert _dependents(db) == schema_before  # every index and trigger made again
        for table in ("groups", "events", "posts", "comments", "chat_messages"):
            (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            assert "AUTOINCREMENT" in sql, table
        assert [r[0] for r in db.execute("SELECT id FROM posts ORDER BY id")] == [3, 4]
        # The search index still follows the rows through its triggers.
        found = db.execute("SELECT rowid FROM fts_posts WHERE fts_posts MATCH 'quartzite'")
        assert sorted(r[0] for r in found) == [3, 4]
        db.execute("DELETE FROM posts WHERE id = 4")
        db.execute(
            "INSERT INTO posts (group_id, author_id, title, body, comment_count, created_at,"
            " updated_at) VALUES (7, 1, 'Next', 'b', 0, '2026-01-02', '2026-01-02')"
        )
        assert db.execute("SELECT max(id) FROM posts").fetchone() == (5,)
        found = db.execute("SELECT rowid FROM fts_posts WHERE fts_posts MATCH 'quartzite'")
        assert [r[0] for r in found] == [3]


def _dependents(db: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY name"
    )
    return [(name, " ".join(sql.split())) for name, sql in rows]


async def test_migration_0030_keeps_every_row_of_a_lived_in_database(stack, tmp_path) -> None:
    """The demo world (events with people going, comments, chat, memberships) at 0029,
    then 0030: every table keeps every row. Foreign keys are not enforced on the
    migration's connection; enforced, dropping the old groups table would cascade."""
    if stack.is_services:
        pytest.skip("PostgreSQL's sequences never reused an id")
    path = tmp_path / "lived.sqlite3"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}")
    assert (await admin_cli(settings, "db", "upgrade", "0029")).exit_code == 0
    seeded = await admin_cli(settings, "seed", "demo")
    assert seeded.exit_code == 0, seeded.output
    before = _row_counts(path)
    assert before["events"] and before["event_participants"] and before["group_members"]
    assert before["comments"] or before["posts"]
    assert (await admin_cli(settings, "db", "upgrade")).exit_code == 0
    assert _row_counts(path) == before


def _row_counts(path: Any) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%'"
                " AND name NOT LIKE '%_rtree%' AND name != 'alembic_version'"
            )
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
