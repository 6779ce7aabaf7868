"""The latest posts across the groups I belong to (the home page's dashboard)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.groups.tables import group_members, groups
from crewup.posts.service import POST_COLUMNS, Post, post_from_row
from crewup.posts.tables import posts
from crewup.users.tables import users


@dataclass(frozen=True)
class GroupPost:
    post: Post
    group_name: str


async def latest_in_my_groups(
    conn: AsyncConnection, actor: Actor, *, limit: int
) -> list[GroupPost]:
    """Newest first, removed posts left out; one statement whatever the number of groups.
    Only groups I am a member of: an invitation or a request shows no content."""
    query = (
        select(*POST_COLUMNS, groups.c.name.label("group_name"))
        .select_from(
            posts.join(
                group_members,
                and_(
                    group_members.c.group_id == posts.c.group_id,
                    group_members.c.user_id == actor.id,
                ),
            )
            .join(groups, groups.c.id == posts.c.group_id)
            .join(users, users.c.id == posts.c.author_id)
        )
        .where(posts.c.removed_at.is_(None))
        .order_by(posts.c.id.desc())
        .limit(limit)
    )
    return [GroupPost(post_from_row(row), row.group_name) for row in await conn.execute(query)]
