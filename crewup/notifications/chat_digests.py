"""Chat messages people missed: a scheduled job tells everyone who can read a room and
left messages of others unread for a while (they were not there to see them live), at
most once an hour per room, and only of messages newer than the last time it told them.

Set-based per active room: the recipients are one SELECT with the conditions written
against the room's readers, so a busy room of thousands costs the same few statements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat.tables import chat_messages, chat_read_markers
from crewup.core import clock
from crewup.core.db import UtcDateTime
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.notifications.kinds import Kind
from crewup.notifications.service import Planned, notify_many
from crewup.notifications.tables import notifications

AT_MOST_EVERY = timedelta(hours=1)
_EARLIEST = literal(clock.EARLIEST, UtcDateTime())


def _group_readers(group_id: int) -> Select[Any]:
    return select(group_members.c.user_id).where(group_members.c.group_id == group_id)


def _event_readers(event_id: int) -> Select[Any]:
    """People going or waitlisted, the event's creator, and its group's owner and admins
    (chat's own rule for who reads an event room)."""
    going = select(event_participants.c.user_id).where(
        event_participants.c.event_id == event_id,
        event_participants.c.status.in_(("going", "waitlisted")),
    )
    creator = select(events.c.creator_id.label("user_id")).where(events.c.id == event_id)
    managers = (
        select(group_members.c.user_id)
        .join(events, events.c.group_id == group_members.c.group_id)
        .where(events.c.id == event_id, group_members.c.role.in_(("owner", "admin")))
    )
    return select(union(going, creator, managers).subquery().c.user_id)


def _missed_by(
    readers: Select[Any], kind: str, room_id: int, url: str, now: datetime, quiet: timedelta
) -> Any:
    """Of `readers`, those with a message of others unread for `quiet` or longer, newer
    than their last digest of this room, and no digest of it within the hour."""
    reader = readers.subquery("reader")
    user_id = reader.c[reader.c.keys()[0]]
    room_column = chat_messages.c.group_id if kind == "group" else chat_messages.c.event_id
    marker = (
        select(chat_read_markers.c.last_read_id)
        .where(
            chat_read_markers.c.user_id == user_id,
            chat_read_markers.c.room_kind == kind,
            chat_read_markers.c.room_id == room_id,
        )
        .correlate(reader)  # two levels down: SQLAlchemy correlates one level by itself
        .scalar_subquery()
    )
    digests = and_(
        notifications.c.user_id == user_id,
        notifications.c.kind == Kind.chat_message.value,
        notifications.c.url == url,
    )
    last_digest = (
        select(func.max(notifications.c.created_at))
        .where(digests)
        .correlate(reader)
        .scalar_subquery()
    )
    missed = exists().where(
        room_column == room_id,
        chat_messages.c.author_id != user_id,
        chat_messages.c.removed_at.is_(None),
        chat_messages.c.id > func.coalesce(marker, 0),
        chat_messages.c.created_at <= now - quiet,
        chat_messages.c.created_at > func.coalesce(last_digest, _EARLIEST),
    )
    told_lately = exists().where(digests, notifications.c.created_at > now - AT_MOST_EVERY)
    return select(user_id).where(missed, ~told_lately)


async def _active_rooms(
    conn: AsyncConnection, now: datetime, quiet: timedelta
) -> list[tuple[str, int, str]]:
    """(kind, id, name) of rooms with messages old enough to have been missed and young
    enough to be worth telling (since the previous window); an index range on
    `created_at`, whatever the number of rooms."""
    recent = (
        select(chat_messages.c.group_id, chat_messages.c.event_id)
        .where(
            chat_messages.c.created_at <= now - quiet,
            chat_messages.c.created_at > now - quiet - AT_MOST_EVERY - quiet,
        )
        .distinct()
        .subquery()
    )
    group_rooms = select(groups.c.id, groups.c.name).join(recent, recent.c.group_id == groups.c.id)
    event_rooms = select(events.c.id, events.c.title).join(recent, recent.c.event_id == events.c.id)
    rooms = [("group", row.id, row.name) for row in await conn.execute(group_rooms)]
    rooms += [("event", row.id, row.title) for row in await conn.execute(event_rooms)]
    return sorted(rooms)


def chat_digests(quiet: timedelta) -> Callable[[AsyncConnection], Awaitable[int]]:
    """The job; `quiet`: unread this long, the person was not in the room to see it."""

    async def send_chat_digests(conn: AsyncConnection) -> int:
        now = clock.now()
        planned: list[Planned] = []
        for kind, room_id, name in await _active_rooms(conn, now, quiet):
            url = f"/{kind}s/{room_id}#chat"
            readers = _group_readers(room_id) if kind == "group" else _event_readers(room_id)
            recipients = _missed_by(readers, kind, room_id, url, now, quiet)
            planned.append((Kind.chat_message, recipients, {"room": name}, url))
        return await notify_many(conn, planned) if planned else 0

    return send_chat_digests
