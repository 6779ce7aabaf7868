from sqlalchemy import (
    Boolean,
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
    false,
    text,
)

from crewup.core.counters import Counter
from crewup.core.db import UtcDateTime, metadata
from crewup.core.text import TextIndex

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("creator_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("location_name", String(200), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("capacity", Integer, nullable=True),
    # scheduled | cancelled; "past" is derived from ends_at, never stored.
    Column("status", String(16), nullable=False, server_default="scheduled"),
    Column("cancel_reason", Text, nullable=True),
    # Counters change only under the event's row lock, by SQL increments.
    Column("going_count", Integer, nullable=False, server_default="0"),
    Column("waitlist_count", Integer, nullable=False, server_default="0"),
    Column("interested_count", Integer, nullable=False, server_default="0"),
    # Hands out arrival numbers for the waitlist: first come, first promoted.
    Column("waitlist_seq", Integer, nullable=False, server_default="0"),
    # Bumped when who may see the event narrows (its group turns private); see seats.py.
    Column("audience_version", Integer, nullable=False, server_default="0"),
    Column("cover", String(32), nullable=True),  # an image key (crewup.core.images)
    # Set by the `mark-ended-events` job minutes after the end (and by edits that move
    # the end): it only keeps long-over events out of the upcoming index below, so a
    # soonest-first list does not walk the whole history; reads still check ends_at.
    Column("ended", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity"),
    CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
    CheckConstraint("capacity IS NULL OR going_count <= capacity", name="not_overbooked"),
    Index("ix_events_starts_at_id", "starts_at", "id"),
    Index("ix_events_lat_lon", "lat", "lon"),
    Index("ix_events_group_id_starts_at", "group_id", "starts_at"),
    # The predicates are written as the queries render them (`events.service.UPCOMING`),
    # so both planners see that the query implies them (SQLite compares the terms).
    Index(
        "ix_events_upcoming",
        "starts_at",
        "id",
        postgresql_where=text("status = 'scheduled' AND NOT ended"),
        sqlite_where=text("status = 'scheduled' AND ended = 0"),
    ),
    Index(
        "ix_events_ends_at_not_ended",
        "ends_at",
        postgresql_where=text("NOT ended"),
        sqlite_where=text("ended = 0"),
    ),
    # Ids are never given twice on SQLite either (migration 0030).
    sqlite_autoincrement=True,
)

# Word search: title (A), place (B), description (C); see migration 0008.
EVENT_TEXT = TextIndex(
    events,
    title=events.c.title,
    body=events.c.description,
    fts_columns=("title", "place", "description"),
)

event_participants = Table(
    "event_participants",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("waitlist_seq", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("event_id", "user_id"),
    CheckConstraint("status IN ('going', 'waitlisted', 'interested')", name="status"),
    Index("ix_event_participants_event_status_seq", "event_id", "status", "waitlist_seq"),
    Index("ix_event_participants_user_id", "user_id"),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # The feed URL carries a secret; we keep only its digest.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)


COUNTERS = tuple(
    Counter(events, column, event_participants, "event_id", event_participants.c.status == status)
    for column, status in (
        ("going_count", "going"),
        ("waitlist_count", "waitlisted"),
        ("interested_count", "interested"),
    )
)
