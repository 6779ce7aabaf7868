"""search: newest-first and exact-name indexes for bounded candidate sets

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07 09:30:00

A search whose words match many rows ranks the newest rows of each kind plus those whose
whole name is the query (see crewup.search.candidates): an index on created_at walks the
newest (both engines), one on lower(name) finds the exact names (PostgreSQL).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its name or title column (None: comments have none).
TITLES: dict[str, str | None] = {
    "groups": "name",
    "events": "title",
    "posts": "title",
    "comments": None,
    "users": "display_name",
}


def upgrade() -> None:
    # SQLite reflects no expression index (SQLAlchemy warns): there the few exact names
    # of a query that matches many rows are found by reading the table.
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, title in TITLES.items():
        op.execute(f"CREATE INDEX ix_{table}_created_at ON {table} (created_at)")
        if title is not None and postgresql:
            op.execute(f"CREATE INDEX ix_{table}_lower_title ON {table} (lower({title}))")


def downgrade() -> None:
    for table, title in TITLES.items():
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_created_at")
        if title is not None:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_lower_title")
