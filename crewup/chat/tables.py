"""Chat rooms' messages and each person's read marker per room."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from crewup.core.db import UtcDateTime, metadata

MESSAGE_ID = BigInteger().with_variant(Integer(), "sqlite")

# A message belongs to exactly one room: a group's or an event's. Two foreign keys (not
# a kind and a number) so a deleted group or event takes its messages with it.
chat_messages = Table(
    "chat_messages",
    metadata,
    Column("id", MESSAGE_ID, primary_key=True, autoincrement=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=True),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("edited_at", UtcDateTime, nullable=True),
    # Set when a moderator removes it after a report: out of history and replay, kept.
    Column("removed_at", UtcDateTime, nullable=True),
    CheckConstraint("(group_id IS NULL) <> (event_id IS NULL)", name="one_room"),
    # History, replay and unread counts all walk one room by id.
    Index("ix_chat_messages_group_id_id", "group_id", "id"),
    Index("ix_chat_messages_event_id_id", "event_id", "id"),
    Index("ix_chat_messages_author_id", "author_id"),
    # The missed-messages digest looks at the last hour's messages of every room.
    Index("ix_chat_messages_created_at", "created_at"),
    # Ids are never given twice on SQLite either (migration 0030).
    sqlite_autoincrement=True,
)

chat_read_markers = Table(
    "chat_read_markers",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("room_kind", String(8), nullable=False),
    Column("room_id", Integer, nullable=False),
    Column("last_read_id", MESSAGE_ID, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("user_id", "room_kind", "room_id"),
    CheckConstraint("room_kind IN ('group', 'event')", name="room_kind"),
)
