from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from crewup.core.counters import Counter
from crewup.core.db import UtcDateTime, metadata
from crewup.core.text import TextIndex

groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("max_members", Integer, nullable=True),
    # Kept exact by SQL increments under the group row lock, never read-modify-write.
    Column("member_count", Integer, nullable=False, server_default="0"),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("cover", String(32), nullable=True),  # an image key (crewup.core.images)
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("visibility IN ('public', 'private')", name="visibility"),
    CheckConstraint("max_members IS NULL OR max_members >= 1", name="max_members"),
    Index("ix_groups_visibility_id", "visibility", "id"),
    Index("ix_groups_category_id", "category", "id"),
    Index("ix_groups_lat_lon", "lat", "lon"),
    # Ids are never given twice on SQLite either (migration 0030).
    sqlite_autoincrement=True,
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("group_id", "user_id"),
    CheckConstraint("role IN ('owner', 'admin', 'member')", name="role"),
    Index("ix_group_members_user_id", "user_id"),
)

group_join_requests = Table(
    "group_join_requests",
    metadata,
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("group_id", "user_id"),
    Index("ix_group_join_requests_user_id", "user_id"),
)

group_invites = Table(
    "group_invites",
    metadata,
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("invited_by", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("group_id", "user_id"),
    Index("ix_group_invites_user_id", "user_id"),
)


# Word search (`q=` and /search): name (A), category (B), description (C), indexed by
# migration 0008 (a tsvector column on PostgreSQL, FTS5 on SQLite).
GROUP_TEXT = TextIndex(
    groups,
    title=groups.c.name,
    body=groups.c.description,
    fts_columns=("name", "category", "description"),
)


# Kept exact by SQL increments under the group row lock; `fix counters` checks them.
COUNTERS = (Counter(groups, "member_count", group_members, "group_id"),)


# Shareable invite links (migration 0013). Only the token's digest is stored, so a leaked
# table hands out no live link; one link lets one person in, until it expires.
group_invite_links = Table(
    "group_invite_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("used_at", UtcDateTime, nullable=True),
    Index("ix_group_invite_links_group_id", "group_id"),
)
