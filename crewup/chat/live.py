"""After commit, chat's changes go live to the room on every process (wired in
crewup.wiring): a message reaches sockets only once it is persisted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from crewup.chat.access import Room, RoomKind
from crewup.chat.domain_events import MessageDeleted, MessageEdited, MessagePosted
from crewup.chat.schemas import message_frame
from crewup.chat.service import Message
from crewup.realtime.hub import Hub


def _room(kind: str, room_id: int) -> Room:
    return Room(RoomKind(kind), room_id)


def on_posted(hub: Hub) -> Callable[[MessagePosted], Awaitable[None]]:
    async def publish(event: MessagePosted) -> None:
        room = _room(event.room_kind, event.room_id)
        message = Message(
            event.id,
            room,
            event.author_id,
            event.author_name,
            event.body,
            event.created_at,
            None,
            event.client_id,
        )
        await hub.to_room(room.key, message_frame(message), event.id)

    return publish


def on_edited(hub: Hub) -> Callable[[MessageEdited], Awaitable[None]]:
    async def publish(event: MessageEdited) -> None:
        room = _room(event.room_kind, event.room_id)
        frame = {
            "type": "message_edited",
            "id": event.id,
            **room.fields,
            "body": event.body,
            "edited_at": event.edited_at.isoformat(),
        }
        await hub.to_room(room.key, frame)

    return publish


def on_deleted(hub: Hub) -> Callable[[MessageDeleted], Awaitable[None]]:
    async def publish(event: MessageDeleted) -> None:
        room = _room(event.room_kind, event.room_id)
        await hub.to_room(room.key, {"type": "message_deleted", "id": event.id, **room.fields})

    return publish
