"""safety: alerts with their point and scope, and one row per recipient and alert

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crewup.core.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("group_ids", sa.JSON(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", crewup.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("created_at", crewup.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "severity IN ('info', 'warning', 'emergency')", name=op.f("ck_safety_alerts_severity")
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_safety_alerts_status")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_safety_alerts_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_safety_alerts_resolved_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_alerts")),
    )
    op.create_index("ix_safety_alerts_author_id_id", "safety_alerts", ["author_id", "id"])
    op.create_table(
        "safety_alert_recipients",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=8), nullable=False),
        sa.Column("acknowledgement", sa.String(length=16), nullable=True),
        sa.Column("acknowledged_at", crewup.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reason IN ('group', 'nearby')", name=op.f("ck_safety_alert_recipients_reason")
        ),
        sa.CheckConstraint(
            "acknowledgement IS NULL OR acknowledgement IN ('ok', 'on_my_way')",
            name=op.f("ck_safety_alert_recipients_acknowledgement"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["safety_alerts.id"],
            name=op.f("fk_safety_alert_recipients_alert_id_safety_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_safety_alert_recipients_user_id_users")
        ),
        sa.PrimaryKeyConstraint("alert_id", "user_id", name=op.f("pk_safety_alert_recipients")),
    )
    op.create_index(
        "ix_safety_alert_recipients_user_id_alert_id",
        "safety_alert_recipients",
        ["user_id", "alert_id"],
    )
    op.create_index(
        "ix_safety_alert_recipients_unanswered",
        "safety_alert_recipients",
        ["user_id", "alert_id"],
        postgresql_where=sa.text("acknowledged_at IS NULL"),
        sqlite_where=sa.text("acknowledged_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_safety_alert_recipients_unanswered", table_name="safety_alert_recipients")
    op.drop_index(
        "ix_safety_alert_recipients_user_id_alert_id", table_name="safety_alert_recipients"
    )
    op.drop_table("safety_alert_recipients")
    op.drop_index("ix_safety_alerts_author_id_id", table_name="safety_alerts")
    op.drop_table("safety_alerts")
