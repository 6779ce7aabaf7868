"""How groups react to what happens elsewhere."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.groups.membership import release_all_memberships
from crewup.users.domain_events import UserDeleted


async def leave_groups_of_deleted(conn: AsyncConnection, event: UserDeleted) -> None:
    """Refuses (409) while the person still owns a group."""
    await release_all_memberships(conn, event.user_id)
