"""How auth reacts to what happens to accounts: the person's logins end."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth.refresh import revoke_all_sessions
from crewup.users.domain_events import UserBanned, UserDeleted
from crewup.users.service import void_access_tokens


async def end_sessions_of_deleted(conn: AsyncConnection, event: UserDeleted) -> None:
    await revoke_all_sessions(conn, event.user_id)


async def end_sessions_of_banned(conn: AsyncConnection, event: UserBanned) -> None:
    """Every sign-in ends, access tokens included: lifting the ban later does not bring
    back what it ended."""
    await void_access_tokens(conn, event.user_id)
    await revoke_all_sessions(conn, event.user_id)
