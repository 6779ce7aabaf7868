"""Safety alerts and who received each one (with their acknowledgement).

An alert keeps its point, radius and scope for the audit; recipients are computed once,
when it is raised, and stored one row per person, so who may see it and who answered
never depends on memberships or RSVPs changing later."""

from sqlalchemy import (
    JSON,
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
    text,
)

from crewup.core.db import UtcDateTime, metadata

safety_alerts = Table(
    "safety_alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    # No cascade: accounts are erased in place (deleted_at), and the audit outlives them.
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("message", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    # The radius used for nearby events at the time, and the groups it went to.
    Column("radius_km", Float, nullable=False),
    Column("group_ids", JSON, nullable=False),
    Column("recipient_count", Integer, nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("resolved_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("resolution_note", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("severity IN ('info', 'warning', 'emergency')", name="severity"),
    CheckConstraint("status IN ('open', 'resolved')", name="status"),
    # The alerts I raised, newest first.
    Index("ix_safety_alerts_author_id_id", "author_id", "id"),
    # Alerts raised lately (crewup-admin stats), without reading them all.
    Index("ix_safety_alerts_created_at", "created_at"),
)

safety_alert_recipients = Table(
    "safety_alert_recipients",
    metadata,
    Column("alert_id", Integer, ForeignKey("safety_alerts.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    # Why they got it: "group" (a member of a group it went to) or "nearby" (going to an
    # event near the point); a person found both ways counts as "group".
    Column("reason", String(8), nullable=False),
    Column("acknowledgement", String(16), nullable=True),
    Column("acknowledged_at", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("alert_id", "user_id"),
    CheckConstraint("reason IN ('group', 'nearby')", name="reason"),
    CheckConstraint(
        "acknowledgement IS NULL OR acknowledgement IN ('ok', 'on_my_way')",
        name="acknowledgement",
    ),
    # The alerts I received, newest first.
    Index("ix_safety_alert_recipients_user_id_alert_id", "user_id", "alert_id"),
    # The banner on every page: the ones I have not answered yet.
    Index(
        "ix_safety_alert_recipients_unanswered",
        "user_id",
        "alert_id",
        postgresql_where=text("acknowledged_at IS NULL"),
        sqlite_where=text("acknowledged_at IS NULL"),
    ),
)
