"""notifications: find a post's notifications by its link

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 21:10:00

A removed post's `new_post` and `reply` notifications are deleted with it
(crewup.notifications.removed_posts). They were searched among the group's current
members only, so people who had left the group since, and commenters from outside a
public group, kept "Ann posted <a removed title>". A partial index on the link of those
two kinds finds them all without reading the table, and costs nothing for other kinds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OF_A_POST = "kind IN ('new_post', 'reply')"


def upgrade() -> None:
    op.create_index(
        "ix_notifications_post_url",
        "notifications",
        ["url"],
        postgresql_where=sa.text(OF_A_POST),
        sqlite_where=sa.text(OF_A_POST),
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_post_url", table_name="notifications", if_exists=True)
