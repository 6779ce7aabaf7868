"""search: exact-name indexes on SQLite

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 18:15:00

A search whose words match many rows of a kind also ranks the rows whose whole name is
the query (crewup.search.candidates). PostgreSQL finds them through the lower(name)
indexes of 0024; SQLite had none (SQLAlchemy cannot reflect an expression index) and
read the whole table for them: 1.5 to 2.5 ms of a one-word search at 10k groups, 25 ms
when the posts (100k) match many. A NOCASE index is an index on a column, which SQLite
uses for `name = ? COLLATE NOCASE`: the same rows as `lower(name) = ?` for a lower-case
query, both folding ASCII letters only.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its name or title column (comments have none).
TITLES: dict[str, str] = {
    "groups": "name",
    "events": "title",
    "posts": "title",
    "users": "display_name",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL has its lower(name) indexes (0024)
    for table, title in TITLES.items():
        op.execute(f"CREATE INDEX ix_{table}_title_nocase ON {table} ({title} COLLATE NOCASE)")


def downgrade() -> None:
    for table in TITLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_title_nocase")
