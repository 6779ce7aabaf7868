"""Imports every domain's tables so the shared MetaData is complete (Alembic, tests)."""

from crewup.auth import tables as auth_tables
from crewup.db import metadata
from crewup.users import tables as users_tables

__all__ = ["auth_tables", "metadata", "users_tables"]
