"""chat: messages per group and event room, read markers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crewup.core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "chat_messages",
        sa.Column("id", MESSAGE_ID, autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", crewup.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", crewup.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(group_id IS NULL) <> (event_id IS NULL)", name=op.f("ck_chat_messages_one_room")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_chat_messages_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_chat_messages_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_chat_messages_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    op.create_index("ix_chat_messages_group_id_id", "chat_messages", ["group_id", "id"])
    op.create_index("ix_chat_messages_event_id_id", "chat_messages", ["event_id", "id"])
    op.create_index("ix_chat_messages_author_id", "chat_messages", ["author_id"])
    op.create_table(
        "chat_read_markers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("room_kind", sa.String(length=8), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", MESSAGE_ID, nullable=False),
        sa.Column("updated_at", crewup.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "room_kind IN ('group', 'event')", name=op.f("ck_chat_read_markers_room_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_chat_read_markers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "room_kind", "room_id", name=op.f("pk_chat_read_markers")
        ),
    )


def downgrade() -> None:
    op.drop_table("chat_read_markers")
    op.drop_index("ix_chat_messages_author_id", table_name="chat_messages")
    op.drop_index("ix_chat_messages_event_id_id", table_name="chat_messages")
    op.drop_index("ix_chat_messages_group_id_id", table_name="chat_messages")
    op.drop_table("chat_messages")
