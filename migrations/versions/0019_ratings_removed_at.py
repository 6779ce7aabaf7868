"""ratings: soft removal by moderators (an abusive comment), kept for the audit

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crewup.core.db import UtcDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without constraints: a plain ALTER TABLE ADD COLUMN on both engines.
    op.add_column("ratings", sa.Column("removed_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a plain column in place.
    op.drop_column("ratings", "removed_at")
