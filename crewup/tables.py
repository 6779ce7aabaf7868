"""Imports every domain's tables so the shared MetaData is complete (Alembic, tests)."""

from crewup.auth import tables as auth_tables
from crewup.bus import tables as bus_tables
from crewup.chat import tables as chat_tables
from crewup.core.db import metadata
from crewup.events import tables as events_tables
from crewup.groups import tables as groups_tables
from crewup.moderation import tables as moderation_tables
from crewup.notifications import tables as notifications_tables
from crewup.posts import tables as posts_tables
from crewup.ratings import tables as ratings_tables
from crewup.safety import tables as safety_tables
from crewup.users import tables as users_tables

__all__ = [
    "auth_tables",
    "bus_tables",
    "chat_tables",
    "events_tables",
    "groups_tables",
    "metadata",
    "moderation_tables",
    "notifications_tables",
    "posts_tables",
    "ratings_tables",
    "safety_tables",
    "users_tables",
]
