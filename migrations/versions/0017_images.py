"""images: an avatar for people, a cover for groups and events (stored image keys)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("users", "avatar"), ("groups", "cover"), ("events", "cover"))


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.String(32), nullable=True))


def downgrade() -> None:
    # Not batch_alter_table: on SQLite that rebuilds the table, and dropping the old one
    # drops its triggers (the search index's fts_* triggers of 0009) with it.
    for table, column in COLUMNS:
        op.drop_column(table, column)
