"""What waits for a person's answer in groups: join requests in the groups they manage
(invitations to them are `membership.my_invites`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.groups.access import MANAGERS
from crewup.groups.tables import group_join_requests, group_members, groups


@dataclass(frozen=True)
class RequestsWaiting:
    group_id: int
    group_name: str
    count: int


async def requests_waiting(
    conn: AsyncConnection, actor: Actor, *, limit: int = 10
) -> list[RequestsWaiting]:
    """Groups I own or help run that have join requests, most requests first: one
    statement, whatever the number of groups."""
    count = func.count(group_join_requests.c.user_id)
    rows = await conn.execute(
        select(groups.c.id, groups.c.name, count.label("waiting"))
        .join(
            group_members,
            (group_members.c.group_id == groups.c.id) & (group_members.c.user_id == actor.id),
        )
        .join(group_join_requests, group_join_requests.c.group_id == groups.c.id)
        .where(group_members.c.role.in_([role.value for role in MANAGERS]))
        .group_by(groups.c.id, groups.c.name)
        .order_by(count.desc(), groups.c.id)
        .limit(limit)
    )
    return [RequestsWaiting(row.id, row.name, int(row.waiting)) for row in rows]
