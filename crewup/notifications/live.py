"""After commit, people with new notifications see their badge change on every open
page, on every process (wired in crewup.wiring; the worker publishes through Redis)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from crewup.core.db import Database
from crewup.notifications.domain_events import NotificationsCreated
from crewup.notifications.service import UNREAD_CAP
from crewup.notifications.tables import notifications
from crewup.realtime.hub import Hub

# People per counting query: a post to a big group counts in a few statements.
_PER_QUERY = 500


async def unread_counts(db: Database, user_ids: tuple[int, ...]) -> dict[int, int]:
    counts: dict[int, int] = {}
    async with db.reading() as conn:
        for start in range(0, len(user_ids), _PER_QUERY):
            part = list(user_ids[start : start + _PER_QUERY])
            rows = await conn.execute(
                select(notifications.c.user_id, func.count())
                .where(notifications.c.user_id.in_(part), notifications.c.read_at.is_(None))
                .group_by(notifications.c.user_id)
            )
            counts.update({user: min(int(n), UNREAD_CAP) for user, n in rows.all()})
    return counts


def on_created(db: Database, hub: Hub) -> Callable[[NotificationsCreated], Awaitable[None]]:
    async def publish(event: NotificationsCreated) -> None:
        for user, count in (await unread_counts(db, event.user_ids)).items():
            await hub.to_user(user, {"type": "notification", "unread": count})

    return publish
