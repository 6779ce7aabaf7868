"""SQLite: ids of groups, events, posts, comments and chat messages are never reused

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 21:20:00

Without AUTOINCREMENT, SQLite gives a new row the largest id in the table plus one, so
deleting the newest post handed its id to the next one. Everything that names a row by
number (a report, the audit log, a notification's link, a chat client's `since_id`) then
pointed at someone else's: a black-box trial reported a comment, had it deleted, and
the moderator's "ban the author" banned the next commenter. PostgreSQL's sequences never
go back, so this is SQLite's alone.

AUTOINCREMENT can only be declared when a table is made, so each table is made again
(SQLite's documented procedure): a copy declared with it, the rows moved over with their
ids, the old table dropped and the copy renamed, then its indexes and triggers (the
search index's, the R*Tree's, expression indexes SQLAlchemy cannot reflect) made again
from their own SQL. Foreign keys are not enforced on the migration's connection, so the
drop deletes no referencing rows; references are by name and find the renamed copy.
A table already declared with AUTOINCREMENT is left alone (the migration is idempotent).
The largest id ever given is not known for ids already reused; from here on, none is.
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("groups", "events", "posts", "comments", "chat_messages")
_PRIMARY_KEY = re.compile(r",\s*CONSTRAINT\s+(\w+)\s+PRIMARY KEY\s*\(id\)", re.IGNORECASE)
_ID_COLUMN = re.compile(r"\bid INTEGER NOT NULL\b")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Renaming the copy must not re-check triggers on other tables that name the table
    # while it is briefly gone.
    op.execute("PRAGMA legacy_alter_table=ON")
    for table in TABLES:
        _remake_with_autoincrement(table)
    op.execute("PRAGMA legacy_alter_table=OFF")


def _remake_with_autoincrement(table: str) -> None:
    bind = op.get_bind()
    made = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    if "AUTOINCREMENT" in made.upper():
        return
    key = _PRIMARY_KEY.search(made)
    if key is None or _ID_COLUMN.search(made) is None:
        raise RuntimeError(f"unexpected definition of {table}: {made[:200]}")
    copy = f"{table}__autoincrement"
    definition = _PRIMARY_KEY.sub("", made, count=1)
    definition = _ID_COLUMN.sub(
        f"id INTEGER NOT NULL CONSTRAINT {key.group(1)} PRIMARY KEY AUTOINCREMENT",
        definition,
        count=1,
    )
    definition = re.sub(
        rf"^CREATE TABLE\s+\"?{table}\"?", f"CREATE TABLE {copy}", definition, count=1
    )
    dependents = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL ORDER BY type, name",
            (table,),
        )
    ]
    # Left empty by a run that failed further on (SQLite commits a CREATE TABLE issued
    # before any transaction began): a retry starts again from the old table.
    op.execute(f"DROP TABLE IF EXISTS {copy}")
    op.execute(definition)
    op.execute(f"INSERT INTO {copy} SELECT * FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {copy} RENAME TO {table}")
    for sql in dependents:
        op.execute(sql)


def downgrade() -> None:
    """Ids that are never reused harm nothing: kept."""
