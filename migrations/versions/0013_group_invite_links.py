"""group_invite_links: shareable, expiring, single-use links into a group

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crewup.core.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_invite_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("expires_at", crewup.core.db.UtcDateTime(), nullable=False),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("used_at", crewup.core.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_invite_links_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_group_invite_links_created_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["users.id"],
            name=op.f("fk_group_invite_links_used_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_invite_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_group_invite_links_token_hash")),
    )
    with op.batch_alter_table("group_invite_links", schema=None) as batch_op:
        batch_op.create_index("ix_group_invite_links_group_id", ["group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("group_invite_links", schema=None) as batch_op:
        batch_op.drop_index("ix_group_invite_links_group_id")
    op.drop_table("group_invite_links")
