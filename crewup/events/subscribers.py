"""How events react to what happens in groups and to accounts: seats are given back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.events.rsvp import release_all_rsvps, release_outsiders, release_private_group_rsvps
from crewup.groups.domain_events import GroupMadePrivate, MemberLeft
from crewup.users.domain_events import UserDeleted


async def free_seats_of_private_leaver(conn: AsyncConnection, event: MemberLeft) -> None:
    """Someone who leaves a private group can no longer see its events."""
    if event.group_private:
        await release_private_group_rsvps(conn, event.group_id, event.user_id)


async def free_seats_of_deleted(conn: AsyncConnection, event: UserDeleted) -> None:
    await release_all_rsvps(conn, event.user_id)


async def free_seats_of_outsiders(conn: AsyncConnection, event: GroupMadePrivate) -> None:
    """A public group turned private: non-members can no longer see its events."""
    await release_outsiders(conn, event.group_id)
