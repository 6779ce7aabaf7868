from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text, func

from crewup.core.db import UtcDateTime, metadata
from crewup.core.text import TextIndex

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL once the account is deleted; unique among live accounts.
    Column("email", String(320), unique=True, nullable=True),
    # Set when the person opened the link mailed to `email`; cleared when it changes.
    Column("email_verified_at", UtcDateTime, nullable=True),
    Column("password_hash", String(255), nullable=True),
    Column("display_name", String(80), nullable=False),
    Column("bio", Text, nullable=False, server_default=""),
    Column("interests", JSON, nullable=False, default=list),
    Column("home_lat", Float, nullable=True),
    Column("home_lon", Float, nullable=True),
    Column("role", String(16), nullable=False, server_default="user"),
    Column("banned_at", UtcDateTime, nullable=True),
    Column("ban_expires_at", UtcDateTime, nullable=True),
    Column("ban_reason", Text, nullable=True),
    # The language pages speak to this person (a code of crewup.web.i18n.SUPPORTED);
    # NULL: whatever the browser asks for.
    Column("locale", String(16), nullable=True),
    Column("rating_count", Integer, nullable=False, server_default="0"),
    Column("rating_sum", Integer, nullable=False, server_default="0"),
    # The stored image's key (crewup.core.images); its files are named from it.
    Column("avatar", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("deleted_at", UtcDateTime, nullable=True),
    # Access tokens issued before this second are refused: set with each new password
    # (change or reset), so a leaked token dies with the old password instead of living
    # out its lifetime.
    Column("tokens_valid_from", UtcDateTime, nullable=True),
)


# Word search over people (see migration 0008): display name (A) and interests (B).
USER_TEXT = TextIndex(
    users,
    title=users.c.display_name,
    body=func.crewup_json_words(users.c.interests),
    fts_columns=("display_name", "interests"),
)
