"""events rsvps calendar feeds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:47:44.436458
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crewup.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("starts_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("ends_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="scheduled", nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("going_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("waitlist_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("interested_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("waitlist_seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("updated_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f("ck_events_status")),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name=op.f("ck_events_capacity")),
        sa.CheckConstraint(
            "capacity IS NULL OR going_count <= capacity", name=op.f("ck_events_not_overbooked")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_events_creator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_events_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_group_id_starts_at", ["group_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_events_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index("ix_events_starts_at_id", ["starts_at", "id"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("waitlist_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("updated_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('going', 'waitlisted', 'interested')",
            name=op.f("ck_event_participants_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_participants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_participants")),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_participants_event_status_seq",
            ["event_id", "status", "waitlist_seq"],
            unique=False,
        )
        batch_op.create_index("ix_event_participants_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_event_participants_user_id")
        batch_op.drop_index("ix_event_participants_event_status_seq")

    op.drop_table("event_participants")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_starts_at_id")
        batch_op.drop_index("ix_events_lat_lon")
        batch_op.drop_index("ix_events_group_id_starts_at")

    op.drop_table("events")
    op.drop_table("calendar_feeds")
