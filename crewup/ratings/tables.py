from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
)

from crewup.core.db import UtcDateTime, metadata

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rater_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("ratee_id", Integer, ForeignKey("users.id"), nullable=False),
    # A rating outlives its event: deleting the event (or its group) must not silently
    # change reputations, so the link is cleared instead of the row.
    Column("event_id", Integer, ForeignKey("events.id", ondelete="SET NULL"), nullable=True),
    Column("score", SmallInteger, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # Set by a moderator (an abusive comment): out of reputation and of every face, kept
    # for the audit. Still holds its (rater, ratee, event) slot, so it cannot be re-given.
    Column("removed_at", UtcDateTime, nullable=True),
    CheckConstraint("score BETWEEN 1 AND 5", name="score"),
    CheckConstraint("rater_id <> ratee_id", name="not_self"),
    # Once per (rater, ratee, event); also serves "whom did I rate at this event".
    UniqueConstraint("rater_id", "ratee_id", "event_id"),
    # Someone's ratings, newest first; and the recount grouped by ratee.
    Index("ix_ratings_ratee_id_id", "ratee_id", "id"),
    # The ON DELETE SET NULL of an event, and ratings given at one event.
    Index("ix_ratings_event_id", "event_id"),
)
