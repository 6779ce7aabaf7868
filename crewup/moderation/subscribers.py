"""How moderation reacts to what other domains announce: it audits moderation done
through their own routes (a group admin deleting someone's post through the posts API)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat.domain_events import MessageRemoved
from crewup.moderation.audit import Face, record_as
from crewup.posts.domain_events import ContentRemoved


async def audit_content_removed(conn: AsyncConnection, event: ContentRemoved) -> None:
    await record_as(
        conn,
        event.removed_by,
        Face(event.via),
        "content.remove",
        event.target_type,
        event.target_id,
        None,
        {"excerpt": event.excerpt, "group_id": event.group_id},
    )


async def audit_message_removed(conn: AsyncConnection, event: MessageRemoved) -> None:
    await record_as(
        conn,
        event.removed_by,
        Face(event.via),
        "content.remove",
        "message",
        event.id,
        None,
        {"excerpt": event.excerpt, f"{event.room_kind}_id": event.room_id},
    )
