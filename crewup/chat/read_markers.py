"""Read markers and unread counts: how far each person has read each room.

A marker only moves forward (devices report out of order) and lives in the database, so
it survives reconnects and is shared by every device of the person.
"""

from __future__ import annotations

from sqlalchemy import and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat.access import Room, RoomKind, check_reader
from crewup.chat.service import room_column
from crewup.chat.tables import chat_messages, chat_read_markers
from crewup.core import clock
from crewup.core.db import upsert
from crewup.core.identity import Actor
from crewup.events.tables import event_participants
from crewup.groups.tables import group_members


async def mark_read(conn: AsyncConnection, room: Room, actor: Actor, up_to_id: int) -> int:
    """Move the person's marker forward (never back: devices report out of order);
    answers the unread count left."""
    await check_reader(conn, room, actor)
    newest = (
        await conn.execute(select(func.max(chat_messages.c.id)).where(room_column(room) == room.id))
    ).scalar_one_or_none() or 0
    up_to = min(up_to_id, newest)
    current = await _marker(conn, room, actor.id)
    if up_to > current:
        await upsert(
            conn,
            chat_read_markers,
            {
                "user_id": actor.id,
                "room_kind": room.kind.value,
                "room_id": room.id,
                "last_read_id": up_to,
                "updated_at": clock.now(),
            },
            ["user_id", "room_kind", "room_id"],
        )
    return await unread_in(conn, room, actor.id)


async def _marker(conn: AsyncConnection, room: Room, user_id: int) -> int:
    found = (
        await conn.execute(
            select(chat_read_markers.c.last_read_id).where(
                chat_read_markers.c.user_id == user_id,
                chat_read_markers.c.room_kind == room.kind.value,
                chat_read_markers.c.room_id == room.id,
            )
        )
    ).scalar_one_or_none()
    return int(found or 0)


async def unread_in(conn: AsyncConnection, room: Room, user_id: int) -> int:
    """Messages of others after the person's marker."""
    marker = await _marker(conn, room, user_id)
    count = (
        await conn.execute(
            select(func.count())
            .select_from(chat_messages)
            .where(
                room_column(room) == room.id,
                chat_messages.c.id > marker,
                chat_messages.c.author_id != user_id,
                chat_messages.c.removed_at.is_(None),
            )
        )
    ).scalar_one()
    return int(count)


async def unread_counts(conn: AsyncConnection, user_id: int) -> list[tuple[Room, int]]:
    """Unread counts of every room the person is in, rooms without unread left out: two
    statements whatever the number of rooms. A group's messages from before the person
    joined do not count."""
    found: list[tuple[Room, int]] = []
    for kind, column, membership, since in (
        (
            RoomKind.group,
            chat_messages.c.group_id,
            select(group_members.c.group_id.label("room_id"), group_members.c.joined_at)
            .where(group_members.c.user_id == user_id)
            .subquery(),
            True,
        ),
        (
            RoomKind.event,
            chat_messages.c.event_id,
            select(event_participants.c.event_id.label("room_id"))
            .where(
                event_participants.c.user_id == user_id,
                event_participants.c.status.in_(("going", "waitlisted")),
            )
            .subquery(),
            False,
        ),
    ):
        marker = chat_read_markers.alias("marker")
        conditions = [
            column == membership.c.room_id,
            chat_messages.c.id > func.coalesce(marker.c.last_read_id, 0),
            chat_messages.c.author_id != user_id,
            chat_messages.c.removed_at.is_(None),  # removed by a moderator: not unread
        ]
        if since:
            conditions.append(chat_messages.c.created_at >= membership.c.joined_at)
        rows = await conn.execute(
            select(membership.c.room_id, func.count(chat_messages.c.id))
            .select_from(
                membership.outerjoin(
                    marker,
                    and_(
                        marker.c.user_id == user_id,
                        marker.c.room_kind == literal(kind.value),
                        marker.c.room_id == membership.c.room_id,
                    ),
                ).join(chat_messages, and_(*conditions))
            )
            .group_by(membership.c.room_id)
            .order_by(membership.c.room_id)
        )
        found.extend((Room(kind, row[0]), int(row[1])) for row in rows)
    return found
