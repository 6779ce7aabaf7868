from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from crewup.core.counters import Counter
from crewup.core.db import UtcDateTime, metadata
from crewup.core.text import TextIndex

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("comment_count", Integer, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # Set when a moderator or a group admin removes it: hidden everywhere, kept for the audit.
    Column("removed_at", UtcDateTime, nullable=True),
    # Newest-first pages of one group's posts.
    Index("ix_posts_group_id_id", "group_id", "id"),
    # Ids are never given twice on SQLite either (migration 0030).
    sqlite_autoincrement=True,
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime, nullable=True),
    Index("ix_comments_post_id_id", "post_id", "id"),
    # Ids are never given twice on SQLite either (migration 0030).
    sqlite_autoincrement=True,
)


# Removed comments no longer count (removing one moves the counter down with it).
COUNTERS = (Counter(posts, "comment_count", comments, "post_id", comments.c.removed_at.is_(None)),)


# Word search (see migration 0008): posts by title (A) and body (C); comments by body.
POST_TEXT = TextIndex(posts, title=posts.c.title, body=posts.c.body, fts_columns=("title", "body"))
COMMENT_TEXT = TextIndex(
    comments, title=comments.c.body, body=comments.c.body, fts_columns=("body",)
)
