"""users: the language a person chose for pages (NULL: the browser's)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(16), nullable=True))


def downgrade() -> None:
    # Not batch_alter_table: on SQLite that rebuilds the table and loses its triggers.
    op.drop_column("users", "locale")
