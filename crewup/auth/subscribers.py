"""How auth reacts to what happens to accounts: the person's logins end."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth.refresh import revoke_all_sessions
from crewup.users.domain_events import UserBanned, UserDeleted


async def end_sessions_of_deleted(conn: AsyncConnection, event: UserDeleted) -> None:
    await revoke_all_sessions(conn, event.user_id)


async def end_sessions_of_banned(conn: AsyncConnection, event: UserBanned) -> None:
    await revoke_all_sessions(conn, event.user_id)
