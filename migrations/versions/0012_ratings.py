"""ratings: people who went to the same event rate each other

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:00:00

Reputation itself lives in `users.rating_count` and `users.rating_sum` (since 0001),
kept by the ratings service in the same transaction as each rating.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crewup.core.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("ratee_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", crewup.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crewup.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_ratings_score")),
        sa.CheckConstraint("rater_id <> ratee_id", name=op.f("ck_ratings_not_self")),
        sa.ForeignKeyConstraint(["rater_id"], ["users.id"], name=op.f("fk_ratings_rater_id_users")),
        sa.ForeignKeyConstraint(["ratee_id"], ["users.id"], name=op.f("fk_ratings_ratee_id_users")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_ratings_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint(
            "rater_id", "ratee_id", "event_id", name=op.f("uq_ratings_rater_id_ratee_id_event_id")
        ),
    )
    op.create_index("ix_ratings_ratee_id_id", "ratings", ["ratee_id", "id"])
    op.create_index("ix_ratings_event_id", "ratings", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_ratings_event_id", table_name="ratings")
    op.drop_index("ix_ratings_ratee_id_id", table_name="ratings")
    op.drop_table("ratings")
    # The counters summed the rows just dropped.
    op.execute("UPDATE users SET rating_count = 0, rating_sum = 0")
