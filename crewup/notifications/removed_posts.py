"""A removed post's notifications go with it: "Ann posted “<title>”" kept a title the
moderators took down (found by a black-box trial), and its link led to a 404.

Notifications of a post (`new_post`, `reply`) point at `/posts/{id}`. They are found by
that link through a partial index (migration 0029), whoever got them: people who have
left the group since, and commenters from outside a public group, included. A fan-out
racing the removal is the fan-out's to settle (notifications.recipients.Lookup holds the
post while it inserts).
"""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.notifications.tables import OF_A_POST, notifications
from crewup.posts.domain_events import PostRemoved


async def forget_notifications_of_removed_post(conn: AsyncConnection, event: PostRemoved) -> None:
    await conn.execute(
        delete(notifications).where(
            text(OF_A_POST),
            notifications.c.url == f"/posts/{event.post_id}",
        )
    )
