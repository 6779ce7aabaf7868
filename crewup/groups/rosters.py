"""Who is in a group and who asks to be: the member and request lists, read under the
group's visibility rules (the changes to them are `membership`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Forbidden, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.core.paging import Page, UserCursor, cut_page, decode_cursor
from crewup.groups.access import load_group_content, load_group_for_managers
from crewup.groups.tables import group_join_requests, group_members
from crewup.users.tables import users


@dataclass(frozen=True)
class Member:
    user_id: int
    display_name: str
    role: str
    joined_at: datetime


MEMBER_COLUMNS = (
    group_members.c.user_id,
    users.c.display_name,
    group_members.c.role,
    group_members.c.joined_at,
)


async def get_member(conn: AsyncConnection, group_id: int, user_id: int) -> Member:
    row = (
        await conn.execute(
            select(*MEMBER_COLUMNS)
            .join(users, users.c.id == group_members.c.user_id)
            .where(group_members.c.group_id == group_id, group_members.c.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"user {user_id} is not a member of this group")
    return Member(**row._mapping)


def _member_position(member: Member) -> UserCursor:
    return UserCursor(user_id=member.user_id)


def _after_user(cursor: str | None) -> int:
    position = decode_cursor(cursor, UserCursor)
    return position.user_id if position is not None else 0


async def list_members(
    conn: AsyncConnection,
    group_id: int,
    actor: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Member]:
    await load_group_content(conn, group_id, actor)
    rows = await conn.execute(
        select(*MEMBER_COLUMNS)
        .join(users, users.c.id == group_members.c.user_id)
        .where(group_members.c.group_id == group_id, group_members.c.user_id > _after_user(cursor))
        .order_by(group_members.c.user_id)
        .limit(limit + 1)
    )
    return cut_page([Member(**row._mapping) for row in rows], limit, _member_position)


async def list_requests(
    conn: AsyncConnection,
    group_id: int,
    actor: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Member]:
    """Pending join requests, for the group's owner and admins."""
    if actor is None:
        raise Forbidden(N_("only the group's owner and admins may do this"))
    await load_group_for_managers(conn, group_id, actor)
    rows = await conn.execute(
        select(
            group_join_requests.c.user_id,
            users.c.display_name,
            group_join_requests.c.created_at.label("joined_at"),
        )
        .join(users, users.c.id == group_join_requests.c.user_id)
        .where(
            group_join_requests.c.group_id == group_id,
            group_join_requests.c.user_id > _after_user(cursor),
        )
        .order_by(group_join_requests.c.user_id)
        .limit(limit + 1)
    )
    found = [Member(role="pending", **row._mapping) for row in rows]
    return cut_page(found, limit, _member_position)
