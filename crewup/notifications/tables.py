"""Notifications, each person's preferences, their browsers' push subscriptions, and
which event reminders went out."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)

from crewup.core.db import UtcDateTime, metadata

Id = BigInteger().with_variant(Integer(), "sqlite")

# Notifications that link to a post. A literal, not parameters: a partial index serves a
# query only when the planner can see the query's predicate implies the index's.
OF_A_POST = "kind IN ('new_post', 'reply')"

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    # What the text is made of (names as they were), so it can be worded at read time.
    Column("data", JSON, nullable=False),
    Column("url", String(300), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    # My notifications, newest first; and my unread count.
    Index("ix_notifications_user_id_id", "user_id", "id"),
    Index(
        "ix_notifications_unread",
        "user_id",
        postgresql_where=text("read_at IS NULL"),
        sqlite_where=text("read_at IS NULL"),
    ),
    # A removed post's notifications, whoever got them (notifications.removed_posts).
    Index(
        "ix_notifications_post_url",
        "url",
        postgresql_where=text(OF_A_POST),
        sqlite_where=text(OF_A_POST),
    ),
)

# Only what a person changed from the defaults (kinds.DEFAULTS).
notification_settings = Table(
    "notification_settings",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("in_app", Boolean, nullable=False),
    Column("email", Boolean, nullable=False),
    Column("push", Boolean, nullable=False),
    PrimaryKeyConstraint("user_id", "kind"),
)

push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint", String(2000), nullable=False, unique=True),
    Column("p256dh", String(200), nullable=False),
    Column("auth", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_push_subscriptions_user_id", "user_id"),
)

# One row per reminder sent, so two workers (or two ticks) never send it twice.
event_reminders = Table(
    "event_reminders",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("lead_time", String(8), nullable=False),  # "24h" or "1h" before it starts
    Column("sent_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("event_id", "lead_time"),
)
