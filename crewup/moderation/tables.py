"""The audit log (append-only) and people's reports of users and content."""

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from crewup.core.db import UtcDateTime, metadata

# One row per moderation or admin action, written in the transaction of the action.
# Nothing updates or deletes these rows: the service has no function that would.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL: an operator at the console (crewup-admin), who has no account.
    Column("actor_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("face", String(8), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer, nullable=True),
    Column("reason", Text, nullable=True),
    Column("detail", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Newest first, filtered by one of these (GET /moderation/audit).
    Index("ix_audit_log_action_id", "action", "id"),
    Index("ix_audit_log_actor_id_id", "actor_id", "id"),
    Index("ix_audit_log_target", "target_type", "target_id", "id"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reporter_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    # open -> claimed -> resolved (or straight from open to resolved).
    Column("status", String(16), nullable=False),
    Column("claimed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("resolved_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("resolution", String(16), nullable=True),
    Column("note", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    # The queue: oldest first within a status, optionally one kind of target.
    Index("ix_reports_status_id", "status", "id"),
    Index("ix_reports_status_kind_id", "status", "target_type", "id"),
    # Resolving ban_user or remove_content closes every report on the same target.
    Index("ix_reports_target", "target_type", "target_id"),
    # One unresolved report per reporter and target; 409 for a second one.
    Index(
        "uq_reports_open_per_reporter",
        "reporter_id",
        "target_type",
        "target_id",
        unique=True,
        sqlite_where=Column("resolved_at").is_(None),
        postgresql_where=Column("resolved_at").is_(None),
    ),
)
