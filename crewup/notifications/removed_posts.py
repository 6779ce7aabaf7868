"""A removed post's notifications go with it: "Ann posted “<title>”" kept a title the
moderators took down (found by a black-box trial), and its link led to a 404.

Notifications of a post (`new_post`, `reply`) point at `/posts/{id}` and went to members
of its group, so those members' notifications are searched through the per-person index
rather than the whole table: a removal is rare, a notifications table is large.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.groups.tables import group_members
from crewup.notifications.kinds import Kind
from crewup.notifications.tables import notifications
from crewup.posts.domain_events import PostRemoved

_OF_A_POST = (Kind.new_post.value, Kind.reply.value)


async def forget_notifications_of_removed_post(conn: AsyncConnection, event: PostRemoved) -> None:
    members = select(group_members.c.user_id).where(group_members.c.group_id == event.group_id)
    await conn.execute(
        delete(notifications).where(
            notifications.c.user_id.in_(members),
            notifications.c.kind.in_(_OF_A_POST),
            notifications.c.url == f"/posts/{event.post_id}",
        )
    )
