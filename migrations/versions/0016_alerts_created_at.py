"""safety: an index on when alerts were raised, for the alerts of the last week

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_safety_alerts_created_at", "safety_alerts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_safety_alerts_created_at", table_name="safety_alerts")
